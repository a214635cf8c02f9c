"""Tensions monitor: the review queue (verify, follow up, escalate — analysts), trends,
significant hot spots (Gi*), emerging hot spots, alerts, and the triggers agreed in advance
with their responses (geo.records.review, geo.analysis.monitor, geo.analysis.triggers); each
section is drawn by ui.monitor* and ui.triggers."""

import streamlit as st

import ui
from geo.i18n import t
from ui import monitor as ui_mon
from ui import monitor_queue, monitor_trends
from ui import triggers as ui_triggers

page = ui.begin("monitor")
m = ui_mon.context(page)
ui_mon.period_line(m)

SECTIONS = {"queue": monitor_queue.queue_section, "trends": monitor_trends.trends_section,
            "hotspots": ui_mon.hotspots_section, "emerging": ui_mon.emerging_section,
            "alerts": ui_mon.alerts_section, "triggers": ui_triggers.triggers_section}
st.session_state.setdefault("mon_section", "queue")      # the widget's default, also a link's
ui.from_url("section", "mon_section", ui.one_of(list(SECTIONS)))
section = st.segmented_control(ui.tr("monitor.section"), list(SECTIONS), key="mon_section",
                               format_func=lambda k: t(f"monitor.section.{k}", page.lang)) or "queue"
ui.to_url("section", section, "queue")
SECTIONS[section](m)
