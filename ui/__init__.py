"""Streamlit glue shared by the pages, by job: :mod:`ui.lang` (language, numbers, tables),
:mod:`ui.state` (widgets that keep their value, the URL, the selection), :mod:`ui.data`
(settings read at this edge, cached store and reference data), :mod:`ui.access` (who is
signed in, the screens' role checks), :mod:`ui.page` (what every page runs, the banner, the
map-and-details skeleton); screen glue in :mod:`ui.risk`, :mod:`ui.coverage`,
:mod:`ui.charts`.

Only this package and ``pages/`` import Streamlit; the logic lives in ``geo/``.
"""

from ui.access import (PageEnd, allowed, current as current_user, end_page,  # noqa: F401
                       refused, require)
from ui.data import (cercle_indicators, communes, context_ratings, display_cercles,  # noqa: F401
                     display_communes, display_regions, engine, records, reference_data,
                     report_period,
                     planning_token, settings, store_records, store_token, tension_points)
from ui.lang import (LANG_KEY, current_lang, dataframe, fmt, localize_chrome,  # noqa: F401
                     localized_table, md_escape, print_rules, tr, tr_text)
from ui.page import (MAP_ALONE_RUN, SCREENS, Page, approx, ask, begin, chosen_and_confirmed,  # noqa: F401
                     choose_language, confirmation, count, demo_banner, drawn_flag,
                     edit_revision, flash, install_assets, language_selector,
                     leave_legacy_pages_mode, map_assets, map_drawn, map_legend, unexpected,
                     map_with_details, once, save_edit, store_down, store_failed, stored,
                     wait_for_map)
from ui.state import (SELECTION_URL, bound_widget, cercle_selectbox, chosen, follow_selection,  # noqa: F401
                      from_url, localized_multiselect, localized_selectbox, number_slider, one_of,
                      set_selection_url, to_url, within)
