"""Provenance: sources, licences, boundary version, census year, what is demonstration data."""

import pandas as pd
import streamlit as st

import ui
from geo.i18n import format_number
from geo.reference.provenance import DATASETS



@st.cache_data(show_spinner=False)
def _dataset_facts() -> list[dict]:
    return [{"key": d.key, "file": d.file, "source": d.source, "licence": d.licence,
             "version": d.version, "features": d.n_features(), "sha256": d.sha256()}
            for d in DATASETS]


page = ui.begin("provenance")
lang = page.lang

st.header(ui.tr("provenance.datasets"))
facts = pd.DataFrame(_dataset_facts())
for col in ("source", "licence", "version"):          # in the session's language
    facts[col] = [ui.tr(f"dataset.{k}.{col}") for k in facts["key"]]
facts["key"] = [ui.tr(f"dataset.{k}") for k in facts["key"]]
facts["features"] = [format_number(n, lang) for n in facts["features"]]
facts["sha256"] = facts["sha256"].str[:12] + "…"
st.table(facts.set_index("key").rename_axis(ui.tr("provenance.col.dataset")).rename(columns={
    "key": ui.tr("provenance.col.dataset"), "file": ui.tr("provenance.col.file"),
    "source": ui.tr("provenance.col.source"), "licence": ui.tr("provenance.col.licence"),
    "version": ui.tr("provenance.col.version"), "features": ui.tr("provenance.col.features"),
    "sha256": ui.tr("provenance.col.sha256")}))

table = ui.cercle_indicators()
estimated = table.loc[table["population_type"] != "census_2009_provisional", "cercle_fr"]

for head, body in [
    ("provenance.boundaries", ui.tr("provenance.boundaries_text")),
    ("provenance.census", ui.tr("provenance.census_text",
                                total=format_number(table["population"].sum(), lang),
                                estimated=", ".join(sorted(estimated)))),
    ("provenance.demo", ui.tr("provenance.demo_text")),
    ("provenance.method", ui.tr("provenance.method_text")),
    ("provenance.offline", ui.tr("provenance.offline_text")),
]:
    st.subheader(ui.tr(head))
    st.write(body)
