"""Map assets served by the app itself, so that the map works with no Internet connection.

folium loads Leaflet from a CDN by default: offline the map stays blank. Veille takes Leaflet
from the ``XStatic-Leaflet`` package installed by ``requirements.txt`` and copies it into the
app's ``static/`` folder, which Streamlit serves at ``/app/static/`` when
``server.enableStaticServing`` is on. Nothing is copied into the repository by hand.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import xstatic.pkg.leaflet as xleaflet

#: Folder served by Streamlit (``server.enableStaticServing``), next to ``dashboard.py``.
STATIC_DIR = Path(__file__).resolve().parents[2] / "static"
#: URL path at which Streamlit serves :data:`STATIC_DIR` (before any ``baseUrlPath``).
STATIC_URL = "/app/static"

LEAFLET_VERSION = xleaflet.VERSION
_LEAFLET_SUBDIR = f"vendor/leaflet-{LEAFLET_VERSION}"
_LEAFLET_FILES = ("leaflet.js", "leaflet.css", "images/layers.png", "images/layers-2x.png",
                  "images/marker-icon.png", "images/marker-icon-2x.png",
                  "images/marker-shadow.png")


@dataclass(frozen=True)
class MapAssets:
    """URLs of the JavaScript and CSS a map needs, as (name, url) pairs like folium's."""

    js: tuple[tuple[str, str], ...]
    css: tuple[tuple[str, str], ...]


def install_static_assets(static_dir: Path = STATIC_DIR) -> list[Path]:
    """Copy Leaflet from its installed XStatic package into ``static_dir``.

    Idempotent: a file already present with the same size is left alone.

    Returns
    -------
    list of Path
        The files written by this call (empty when everything was in place).
    """
    source = Path(xleaflet.BASE_DIR)
    target = static_dir / _LEAFLET_SUBDIR
    written = []
    for rel in _LEAFLET_FILES:
        src, dst = source / rel, target / rel
        if dst.exists() and dst.stat().st_size == src.stat().st_size:
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        tmp = dst.with_suffix(dst.suffix + ".tmp")
        shutil.copyfile(src, tmp)
        tmp.replace(dst)  # atomic: a browser never receives half a file
        written.append(dst)
    return written


def map_assets(base_url_path: str = "") -> MapAssets:
    """URLs of the locally served Leaflet files.

    Parameters
    ----------
    base_url_path : str
        Streamlit's ``server.baseUrlPath`` (empty when the app is served at the root).
    """
    prefix = "/" + base_url_path.strip("/") if base_url_path.strip("/") else ""
    root = f"{prefix}{STATIC_URL}/{_LEAFLET_SUBDIR}"
    return MapAssets(js=(("leaflet", f"{root}/leaflet.js"),),
                     css=(("leaflet_css", f"{root}/leaflet.css"),))
