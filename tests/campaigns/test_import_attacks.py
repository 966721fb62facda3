"""Spreadsheets that attack the import: a zip bomb, a sheet that lies about its size,
monstrous cells and rows, and more rows than a web request can import without a worker.
Each is refused (or its row reported) in words, nothing is saved, memory stays small."""

import io
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from campaigns.imports import reading, service
from campaigns.imports.reading import UnreadableFile
from campaigns.models import ImportJob, OutreachEvent

ROOT = Path(__file__).resolve().parents[2]
HEADERS = ["编号", "宣传活动", "日期", "场所名称", "场所类型", "辖区", "形式", "参与人数", "单位"]
CELLS = '<c t="inlineStr"><is><t>宣传</t></is></c>' * 9


def workbook(world, count: int, **changes) -> bytes:
    """An XLSX ledger of COUNT good events (cells changed by CHANGES: {(row, col): value})."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["江南区反诈中心 2026年5月宣传台账"])
    sheet.append(HEADERS)
    for i in range(count):
        sheet.append(
            [
                f"K{i}",
                world["campaign"].name,
                f"2026-05-{i % 28 + 1:02d}",
                f"东门菜市场{i}",
                "菜市场",
                "江南区",
                "摆摊",
                100 + i,
                world["team_a"].name,
            ]
        )
    for (row, column), value in changes.get("cells", {}).items():
        sheet.cell(row=row, column=column, value=value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def zip_bomb(path: Path, *, megabytes: int) -> Path:
    """A real workbook whose sheet is MEGABYTES of repeated rows, written in a stream
    (never held in memory), deflated to a small fraction of that."""
    template = zipfile.ZipFile(io.BytesIO(openpyxl_empty_workbook()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bomb:
        for member in template.infolist():
            if member.filename != "xl/worksheets/sheet1.xml":
                bomb.writestr(member, template.read(member))
                continue
            with bomb.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
                sheet.write(
                    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
                    b'main"><sheetData>'
                )
                row = ("<row>" + CELLS + "</row>").encode()
                block = row * (1024 * 1024 // len(row) + 1)
                for _ in range(megabytes):
                    sheet.write(block)
                sheet.write(b"</sheetData></worksheet>")
    return path


def shared_texts_bomb(path: Path, *, megabytes: int) -> Path:
    """A real workbook whose shared-text part (xl/sharedStrings.xml) holds MEGABYTES of
    distinct short notes: it packs only about 10:1, so the ratio check lets it through,
    and openpyxl reads the part whole (150 MB of it took a process to 1.1 GB)."""
    template = zipfile.ZipFile(io.BytesIO(openpyxl_empty_workbook()))
    shared_type = (
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    )
    shared_link = (
        b'<Relationship Id="rIdShared" Type="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
        b"</Relationships>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bomb:
        for member in template.infolist():
            data = template.read(member)
            if member.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", shared_type)
            elif member.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", shared_link)
            bomb.writestr(member, data)
        with bomb.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            written, start = 0, 0
            while written < megabytes * 1024 * 1024:
                chunk = "".join(f"<si><t>备注{n:x}</t></si>" for n in range(start, start + 10_000))
                written += part.write(chunk.encode())
                start += 10_000
            part.write(b"</sst>")
    return path


def openpyxl_empty_workbook() -> bytes:
    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    return buffer.getvalue()


# What a refused file may add to the process's peak memory: the file's own bytes (40 MB for
# the widest attack) and little else; unpacking the bomb or splitting the row would add
# hundreds of MB.
MEMORY_GROWTH_MB = 100

MEASURE = """
import json, resource, sys
import django
django.setup()
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from campaigns.imports.reading import UnreadableFile
from campaigns.imports.service import import_events

def high_water_mb():
    return int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0]) // 1024

base = high_water_mb()  # Django and the project loaded, nothing read yet
path = sys.argv[1]
message = ""
with translation.override("zh-hans"), CaptureQueriesContext(connection) as queries:
    try:
        import_events(content=open(path, "rb").read(), filename=path, dry_run=False)
    except UnreadableFile as error:
        message = str(error)
peak = high_water_mb()
print(json.dumps({"message": message, "peak_mb": peak - base, "queries": len(queries)}))
"""


def import_in_a_subprocess(path: Path) -> dict:
    """Run the real import path on PATH in a fresh process; how far its peak memory (VmHWM)
    grew past what loading Django and the project takes, its message and how many SQL
    queries it made (the growth, so that a library the project adds does not count). The
    child may not grow past 1.5 GB, so a failure here cannot take the machine down."""

    def limit_memory():
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (1536 * 1024 * 1024,) * 2)

    environment = {
        # the test settings' in-memory SQLite: the child must not touch a database anyway
        **{key: value for key, value in os.environ.items() if key != "DATABASE_URL"},
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "site")]),
    }
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", MEASURE, str(path)],
        capture_output=True,
        text=True,
        env=environment,
        cwd=ROOT,
        preexec_fn=limit_memory,  # noqa: PLW1509
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    print(path.name, outcome)  # shown with pytest -s
    return outcome


@pytest.mark.processes  # a subprocess, or hundreds of MB through zlib
def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path):
    bomb = zip_bomb(tmp_path / "台账.xlsx", megabytes=400)
    assert bomb.stat().st_size < 3 * 1024 * 1024  # small on the wire, 400 MB inside
    outcome = import_in_a_subprocess(bomb)
    assert outcome["peak_mb"] < MEMORY_GROWTH_MB, outcome
    assert "解压" in outcome["message"], outcome
    assert outcome["queries"] == 0  # refused before any row could be written


@pytest.mark.processes  # a subprocess, or hundreds of MB through zlib
def test_too_much_shared_text_is_refused_before_it_is_read(tmp_path):
    """Under the unpacked-size cap and a plain packing ratio, but more distinct text than
    openpyxl can hold in memory: refused from the declared size, nothing read."""
    path = shared_texts_bomb(tmp_path / "备注很多.xlsx", megabytes=40)
    part = zipfile.ZipFile(path).getinfo("xl/sharedStrings.xml")
    assert part.file_size / part.compress_size < reading.MAX_PACKING_RATIO
    outcome = import_in_a_subprocess(path)
    assert "不同的文字" in outcome["message"], outcome
    assert outcome["peak_mb"] < MEMORY_GROWTH_MB, outcome
    assert outcome["queries"] == 0


@pytest.mark.processes  # a subprocess, or hundreds of MB through zlib
def test_a_highly_compressed_member_is_refused(tmp_path):
    """Under the size cap, but a thousand times smaller packed than unpacked: a bomb too."""
    bomb = zip_bomb(tmp_path / "small.xlsx", megabytes=30)
    with translation.override("zh-hans"), pytest.raises(UnreadableFile) as refused:
        service.read_spreadsheet(bomb.read_bytes(), "small.xlsx")
    assert "压缩比" in str(refused.value)


@pytest.mark.processes  # a subprocess, or hundreds of MB through zlib
def test_the_admin_upload_shows_the_bomb_refusal_on_the_form(client, world, tmp_path):
    events_before = OutreachEvent.objects.count()
    bomb = zip_bomb(tmp_path / "small.xlsx", megabytes=30)
    client.force_login(world["coord_a"])
    response = client.post(
        "/admin/campaigns/events/import/",
        {"file": SimpleUploadedFile("台账.xlsx", bomb.read_bytes())},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 200
    assert "压缩比" in " ".join(response.context["form"].errors["file"])
    assert not ImportJob.objects.exists()
    assert OutreachEvent.objects.count() == events_before


@pytest.mark.processes  # a subprocess, or hundreds of MB through zlib
def test_a_csv_with_more_rows_than_the_cap_is_refused_in_little_memory(tmp_path):
    path = tmp_path / "台账.csv"
    with path.open("w", encoding="utf-8") as file:
        file.write(",".join(HEADERS) + "\n")
        for i in range(reading.MAX_ROWS + 10):
            file.write(f"C{i},活动,2026-05-01,场所,社区,江南区,上门,10,江南区反诈中心\n")
    outcome = import_in_a_subprocess(path)
    assert f"{reading.MAX_ROWS:,}" in outcome["message"], outcome
    assert outcome["peak_mb"] < MEMORY_GROWTH_MB, outcome
    assert outcome["queries"] == 0


@pytest.mark.processes  # a subprocess, or hundreds of MB through zlib
def test_a_csv_row_of_countless_cells_is_refused_in_little_memory(tmp_path):
    """One physical line of forty million empty cells."""
    path = tmp_path / "wide.csv"
    path.write_bytes((",".join(HEADERS) + "\n").encode() + b"," * 40_000_000 + b"\n")
    outcome = import_in_a_subprocess(path)
    assert outcome["peak_mb"] < MEMORY_GROWTH_MB, outcome
    assert "第 2 行" in outcome["message"], outcome


def without_dimension(content: bytes, ref: str) -> bytes:
    """The workbook with its sheet's <dimension ref> replaced (as some programs write it)."""
    source, target = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                data, count = re.subn(
                    rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(), data
                )
                assert count == 1
            copy.writestr(member, data)
    return target.getvalue()


def test_rows_past_the_declared_dimension_are_read(world):
    content = without_dimension(workbook(world, 10), "A1:K3")
    table = service.read_spreadsheet(content, "台账.xlsx")
    assert len(table) == 10
    assert table.column("external_id") == [f"K{i}" for i in range(10)]
    report = service.import_table(table, filename="台账.xlsx", user=world["coord_a"])
    assert report.saved and report.new == 10
    assert OutreachEvent.objects.filter(external_id__startswith="K").count() == 10


def test_a_200000_character_cell_is_a_row_error(world):
    content = workbook(world, 3, cells={(4, 4): "东" * 200_000})  # row 4: the 2nd event
    with translation.override("zh-hans"):
        report = service.import_events(content=content, filename="台账.xlsx", user=world["coord_a"])
    assert not report.saved and report.invalid == 1
    [problem] = report.problems
    assert (problem.row, problem.header) == (4, "场所名称")
    assert f"{reading.MAX_CELL_CHARS:,}" in problem.message
    assert not OutreachEvent.objects.filter(external_id__startswith="K").exists()


def test_a_200000_character_csv_cell_is_a_row_error(world):
    lines = [
        ",".join(HEADERS),
        f"A1,{world['campaign'].name},2026-05-01,东门菜市场,菜市场,江南区,摆摊,100,"
        f"{world['team_a'].name}",
        f"A2,{world['campaign'].name},2026-05-02,西门,菜市场,江南区,摆摊,100,"
        f"{world['team_a'].name}," + "备" * 200_000,
    ]
    content = "\n".join(lines).encode()
    with translation.override("zh-hans"):
        report = service.import_events(
            content=content, filename="台账.csv", user=world["coord_a"], skip_invalid=True
        )
    assert [(p.row, p.header) for p in report.problems] == [(3, "第 J 列")]
    assert report.saved and report.new == 1 and report.invalid == 1
    saved = OutreachEvent.objects.filter(external_id__in=["A1", "A2"])
    assert list(saved.values_list("external_id", flat=True)) == ["A1"]


def test_a_venue_name_longer_than_its_field_is_a_row_error(world):
    """Saved as is it would fail on PostgreSQL (a varchar(160)) when the user confirms."""
    content = workbook(world, 2, cells={(3, 4): "东门菜市场" * 40})
    with translation.override("zh-hans"):
        report = service.import_events(content=content, filename="台账.xlsx", user=world["coord_a"])
    [problem] = report.problems
    assert (problem.row, problem.column, problem.header) == (3, "venue_name", "场所名称")
    assert "200" in problem.message and "160" in problem.message
    assert (
        not report.saved and not OutreachEvent.objects.filter(external_id__startswith="K").exists()
    )


def test_an_over_long_row_is_a_row_error(world):
    """A stray cell far to the right (column XFD, Excel's last) on one row."""
    content = workbook(world, 3, cells={(5, 16384): "x"})
    with translation.override("zh-hans"):
        report = service.import_events(content=content, filename="台账.xlsx", user=world["coord_a"])
    assert not report.saved and report.invalid == 1
    [problem] = report.problems
    assert problem.row == 5 and problem.header == "第 XFD 列"
    assert f"{reading.MAX_COLUMNS}" in problem.message
    assert not OutreachEvent.objects.filter(external_id__startswith="K").exists()


def big_csv(world, count: int) -> bytes:
    header = ",".join(HEADERS)
    body = "".join(
        f"B{i},{world['campaign'].name},2026-05-01,场所{i},社区,江南区,上门,10,"
        f"{world['team_a'].name}\n"
        for i in range(count)
    )
    return (header + "\n" + body).encode()


def test_without_a_worker_a_300000_row_upload_is_refused_naming_the_limit(
    client, world, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # no broker: a task would run in the request
    client.force_login(world["coord_a"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            "/admin/campaigns/events/import/",
            {"file": SimpleUploadedFile("全年台账.csv", big_csv(world, 300_000))},
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        )
    assert response.status_code == 200
    message = " ".join(response.context["form"].errors["file"])
    assert f"{service.INLINE_NO_WORKER_MAX_ROWS:,}" in message and "后台" in message
    assert not callbacks and not ImportJob.objects.exists()


def test_with_a_worker_a_file_over_the_inline_limit_is_queued(
    client, world, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    client.force_login(world["coord_a"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            "/admin/campaigns/events/import/",
            {
                "file": SimpleUploadedFile(
                    "台账.csv", big_csv(world, service.INLINE_NO_WORKER_MAX_ROWS + 1)
                )
            },
        )
    assert response.status_code == 302
    assert ImportJob.objects.get().total_rows == service.INLINE_NO_WORKER_MAX_ROWS + 1
    assert len(callbacks) == 1  # handed to the worker once the job is committed
