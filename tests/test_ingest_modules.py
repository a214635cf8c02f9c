"""The importer's modules one by one (the whole path is in test_ingest, test_hostile_files
and test_real_files): format detection, hashtags, decoding, reformed regions, per-distinct
parsing."""


import pytest

from geo.ingest import formats, headers, read
from geo.ingest.formats import acled, hxl, ucdp
from geo.ingest.parse import per_distinct
from geo.ingest.place import REFORMED_REGIONS, Locator


def test_format_detection_needs_two_markers_and_ignores_veille_exports():
    assert formats.detect("tensions", {"event_id_cnty", "event_date"}).key == "acled"
    assert formats.detect("tensions", {"type_of_violence", "where_prec"}).key == "ucdp"
    assert formats.detect("tensions", {"event_date"}).key == "veille"
    # Veille's own export carries geo_precision and time_precision: not ACLED
    assert formats.detect("tensions", {"report_id", "geo_precision", "time_precision"}).key \
        == "veille"
    assert formats.detect("mediators", {"event_id_cnty", "event_date"}).key == "veille"


def test_format_mappings():
    m = acled.FORMAT.mapping("tensions")
    assert m["admin1"] == "region" and m["event_date"] == "occurred_on"
    assert "region" not in m and m["source"] is None        # world region; ignored sources
    u = ucdp.FORMAT.mapping("tensions")
    assert u["id"] == "report_id" and u["where_prec"] == "geo_precision" and "region" not in u
    assert formats.attribution("acled").endswith("acleddata.com")
    assert formats.attribution("mediator") is None


def test_map_headers_through_hashtags_and_kobo():
    mapping, ignored, fmt = headers.map_headers(["Lieu", "Quand", "grp/_gps_latitude"],
                                                "tensions", {"Lieu": "#adm2+name",
                                                             "Quand": "#date +occurred"})
    assert mapping == {"Lieu": "cercle", "Quand": "occurred_on",
                       "grp/_gps_latitude": "latitude"} and fmt.key == "veille"


@pytest.mark.parametrize("tag,normal", [("#Date +occurred", "#date+occurred"),
                                        ("#adm2+name+code", "#adm2+code+name")])
def test_hashtags_normalise(tag, normal):
    assert hxl.normalise(tag) == normal
    assert hxl.is_tag(tag) and not hxl.is_tag("2018-07-29") and not hxl.is_tag("# note")


def test_hashtag_row_needs_two_tags_and_nothing_else():
    assert hxl.is_tag_row(["#adm1+name", "", "#date"])
    assert not hxl.is_tag_row(["#adm1+name", "Mopti"]) and not hxl.is_tag_row(["#date"])


@pytest.mark.parametrize("data,text,notices", [
    ("Ségou".encode("utf-8-sig"), "Ségou", 0),
    ("Ségou".encode("utf-16"), "Ségou", 0),
    ("\ufeffSégou".encode("utf-16-be"), "\ufeffSégou".replace("\ufeff", ""), 0),
    ("Ségou".encode("cp1252"), "Ségou", 0),
    ("Ségou\n".encode() + "Djenné".encode("cp1252"), "Ségou\nDjenné", 1)])
def test_decode(data, text, notices):
    got, found = read.decode(data)
    assert got.lstrip("\ufeff") == text and len(found) == notices


def test_line_ranges():
    assert read._ranges([3, 4, 5, 9, 11, 12]) == "3–5, 9, 11–12"


def test_reformed_regions_lie_in_one_pre_2016_region_each():
    loc = Locator()
    assert set(REFORMED_REGIONS.values()) <= {(r, y) for r in loc.region_names
                                              for y in (2016, 2023)}
    assert loc.names("Menaka", None, None)[0] == "ML07"
    region_id, cercle_id, _c, problems, warns = loc.names("Bandiagara", "Bankass", None)
    assert (region_id, cercle_id, problems) == ("ML05", "mli-bankass", ())
    assert [w.code for w in warns] == ["region_reformed"]


def test_per_distinct_parses_each_value_once():
    calls = []

    def parse(v):
        calls.append(v)
        return v.upper(), None

    values, problems = per_distinct(["a", None, "b", "a", None], parse, ("?", "missing"))
    assert values == ["A", "?", "B", "A", "?"]
    assert problems == [None, "missing", None, None, "missing"]
    assert sorted(calls) == ["a", "b"]
