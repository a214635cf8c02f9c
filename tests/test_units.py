"""Reference data: the 50 cercles, 9 regions and 701 communes of the pre-2016 structure."""

import pytest
import shapely

from geo.reference import units

# RGPH 2009 provisional regional totals (data/SOURCES.md).
REGION_POPULATION = {"Kayes": 1_996_812, "Koulikoro": 2_418_305, "Sikasso": 2_625_919,
                     "Segou": 2_336_255, "Mopti": 2_037_330, "Tombouctou": 681_691,
                     "Gao": 544_120, "Kidal": 67_638, "Bamako": 1_809_106}
NATIONAL_POPULATION = 14_517_176


@pytest.fixture(scope="module")
def cercles():
    return units.load_cercles()


@pytest.fixture(scope="module")
def regions():
    return units.load_regions()


@pytest.fixture(scope="module")
def communes():
    return units.load_communes()


def test_fifty_cercles_with_unique_codes(cercles):
    assert len(cercles) == 50
    assert cercles["cercle_id"].is_unique
    assert (cercles.index == cercles["cercle_id"]).all()
    assert cercles["cercle_id"].str.match(r"^mli-[a-z-]+$").all()
    assert cercles.crs.to_epsg() == 4326
    assert cercles.is_valid.all()


def test_french_display_names_keep_accents(cercles):
    assert cercles.at["mli-segou", "cercle_fr"] == "Ségou"
    assert cercles.at["mli-nioro", "cercle_fr"] == "Nioro du Sahel"
    assert cercles.at["mli-menaka", "cercle_fr"] == "Ménaka"
    assert cercles.at["mli-abeibara", "cercle_fr"] == "Abeïbara"
    assert cercles.at["mli-segou", "cercle"] == "Segou"  # ASCII name kept for matching


def test_nine_first_level_units(regions, cercles):
    assert len(regions) == 9
    assert sorted(regions["region_id"]) == [f"ML0{i}" for i in range(1, 10)]
    assert set(cercles["region_id"]) == set(regions["region_id"])
    counts = cercles.groupby("region_id").size()
    assert (counts == regions["n_cercles"]).all()
    assert counts["ML09"] == 1 and counts["ML05"] == 8  # Bamako district; Mopti


def test_each_cercle_lies_in_exactly_one_region(cercles, regions):
    points = cercles.geometry.representative_point()
    for cid, point in points.items():
        inside = regions.index[regions.geometry.contains(point)].tolist()
        assert inside == [cercles.at[cid, "region_id"]], cid


def test_total_area_is_mali(cercles, regions):
    total = cercles["area_km2"].sum()
    assert total == pytest.approx(1_254_307, rel=1e-4)        # EPSG:6933, this geometry
    assert total == pytest.approx(1_241_238, rel=0.02)         # official area, +1 %
    assert regions["area_km2"].sum() == pytest.approx(total, rel=1e-6)


def test_population_sums_to_census_total(cercles, regions):
    assert cercles["population"].sum() == NATIONAL_POPULATION
    by_region = cercles.groupby("region")["population"].sum().to_dict()
    assert by_region == REGION_POPULATION
    assert regions["population"].sum() == NATIONAL_POPULATION


def test_density_is_population_over_area(cercles):
    mopti = cercles.loc["mli-mopti"]
    assert mopti["density"] == pytest.approx(mopti["population"] / mopti["area_km2"])
    assert cercles["density"].idxmax() == "mli-bamako"
    assert cercles["density"].idxmin() in {"mli-tin-essako", "mli-tombouctou", "mli-abeibara",
                                           "mli-tessalit"}


def test_estimated_populations_are_flagged(cercles):
    estimated = cercles.index[cercles["population_type"] != "census_2009_provisional"]
    assert sorted(estimated) == ["mli-kolondieba", "mli-yorosso"]


def test_communes_nest_in_cercles(communes, cercles):
    assert len(communes) == 701
    assert communes["commune_id"].is_unique
    assert set(communes["cercle_id"]) == set(cercles["cercle_id"])
    assert (communes["region_id"] == cercles.loc[communes["cercle_id"], "region_id"].values).all()
    assert units.commune_counts()["mli-bamako"] == 6
    per_cercle = communes.groupby("cercle_id")["area_km2"].sum()
    assert ((per_cercle / cercles["area_km2"] - 1).abs() < 0.001).all()


def test_display_geometry_is_a_gap_free_tiling(cercles):
    shown = units.display_cercles()
    geoms = shown.geometry.values
    assert shown.is_valid.all()
    assert shapely.coverage_is_valid(geoms)                  # no overlaps, edges match
    union = shapely.union_all(geoms)
    assert union.geom_type == "Polygon" and len(union.interiors) == 0   # no gaps
    area = shown.to_crs(units.CRS_AREA).area / 1e6
    assert shapely.area(union) == pytest.approx(sum(shapely.area(geoms)), rel=1e-9)
    assert ((area / cercles["area_km2"] - 1).abs() < 0.01).all()   # shapes kept


def test_display_regions_follow_cercle_borders():
    shown_c = units.display_cercles()
    shown_r = units.display_regions()
    for rid, geom in shown_r.geometry.items():
        members = shapely.union_all(shown_c[shown_c["region_id"] == rid].geometry.values)
        assert shapely.equals(geom, members), rid
