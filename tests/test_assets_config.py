"""Offline assets and hardened Streamlit configuration."""

import tomllib
from pathlib import Path

import xstatic.pkg.leaflet as xleaflet

from geo.outputs.assets import install_static_assets, map_assets

ROOT = Path(__file__).resolve().parent.parent


def test_leaflet_is_copied_from_its_package_once(tmp_path):
    written = install_static_assets(tmp_path)
    target = tmp_path / "vendor" / f"leaflet-{xleaflet.VERSION}"
    assert target / "leaflet.js" in written and target / "leaflet.css" in written
    src = Path(xleaflet.BASE_DIR) / "leaflet.js"
    assert (target / "leaflet.js").read_bytes() == src.read_bytes()
    assert (target / "images" / "layers.png").exists()
    assert install_static_assets(tmp_path) == []          # idempotent
    (target / "leaflet.css").write_text("truncated")      # a damaged copy is replaced
    assert install_static_assets(tmp_path) == [target / "leaflet.css"]


def test_asset_urls():
    assert map_assets().js == (("leaflet", "/app/static/vendor/leaflet-1.9.3/leaflet.js"),)
    assert map_assets("/sub/").css == (("leaflet_css",
                                         "/sub/app/static/vendor/leaflet-1.9.3/leaflet.css"),)


def test_no_vendored_javascript_in_the_repository():
    tracked = [p for p in ROOT.rglob("*.js") if ".venv" not in p.parts and "static" not in p.parts]
    assert tracked == []


def test_hardened_config():
    cfg = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert cfg["server"]["enableXsrfProtection"] is True
    assert cfg["server"]["enableStaticServing"] is True
    assert cfg["server"]["maxUploadSize"] == 50
    assert cfg["browser"]["gatherUsageStats"] is False
    assert cfg["client"]["showErrorDetails"] == "none"
    assert cfg["client"]["toolbarMode"] == "viewer"
