"""Map payload: size of the cercle-layer map HTML (budget: the home map with its default report points <= 160 KB, issue 18) and that the display
tiling stays gap-free. Prints figures; asserts nothing.

    python benchmarks/map_payload.py
"""

import sys
import tempfile
import time
from pathlib import Path

import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.records import roles, store
from geo.ingest import demo
from geo.outputs import maps
from geo.reference import units  # noqa: E402
from geo.analysis.indicators import tension_points  # noqa: E402
from tests.support import indicator_table  # noqa: E402


def main() -> None:
    table = indicator_table()
    raw = units.load_cercles()[["geometry"]].join(table)
    t0 = time.perf_counter()
    shown = units.display_cercles()[["geometry"]].join(table)
    t_simplify = time.perf_counter() - t0
    regions = units.display_regions()
    for label, gdf, reg in [("raw geometry, no regions", raw, None),
                            ("display geometry, no regions", shown, None),
                            ("display geometry + region outlines (as shown)", shown, regions)]:
        t0 = time.perf_counter()
        fmap = maps.choropleth_map(gdf, "density", "fr", reg)
        size = maps.map_html_size(fmap)
        print(f"{label:50s} {size / 1000:7.1f} KB  built+rendered in "
              f"{(time.perf_counter() - t0) * 1000:5.0f} ms")
    with tempfile.TemporaryDirectory() as tmp:
        engine = store.make_engine(f"sqlite:///{tmp}/demo.sqlite")
        demo.load(engine, roles.operator())
        reports = store.load_records(engine, "tensions")
        engine.dispose()
    points = tension_points(reports[reports["verification"] != "false"])
    t0 = time.perf_counter()
    fmap = maps.choropleth_map(shown, "density", "fr", regions, tension_points=points)
    print(f"{'+ demo tension points (' + str(len(points)) + ', the Overview default)':50s} "
          f"{maps.map_html_size(fmap) / 1000:7.1f} KB  built+rendered in "
          f"{(time.perf_counter() - t0) * 1000:5.0f} ms")
    geoms = shown.geometry.values
    union = shapely.union_all(geoms)
    print(f"coverage_simplify of 50 cercles: {t_simplify * 1000:.0f} ms (first call, uncached)")
    print(f"display tiling valid coverage: {shapely.coverage_is_valid(geoms)}; union: "
          f"{union.geom_type} with {len(getattr(union, 'interiors', []))} holes")
    print(f"vertices: raw {shapely.get_num_coordinates(raw.geometry.values).sum():,} -> "
          f"display {shapely.get_num_coordinates(geoms).sum():,}")


if __name__ == "__main__":
    main()
