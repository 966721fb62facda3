"""Screen playlists (issue 17): editors build them from published videos, posters,
alerts and slides; the player reads them as a manifest of live, public items only."""

import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.models import PageViewRestriction

from materials.models import Playlist, PlaylistItem, VideoCaption
from materials.playlists import is_on_air, playlist_manifest
from tests import factories

DEMO_VIDEOS = Path(__file__).resolve().parents[2] / "fixtures" / "demo" / "media" / "videos"
BEIJING = ZoneInfo("Asia/Shanghai")


def document(name: str, content: bytes):
    doc = get_document_model()(title=name)
    doc.file.save(name, ContentFile(content), save=True)
    return doc


@pytest.fixture
def lobby_playlist(site_tree):
    """A bank lobby's playlist as an editor builds it: the demo's 28-second video with its
    Chinese captions, a poster shown for 20 seconds, and a slide with the hotline."""
    video = factories.VideoPageFactory(
        parent=site_tree["library"],
        title="防骗“三不一多”",
        video_file=document(
            "video-three-nos.mp4", (DEMO_VIDEOS / "video-three-nos.mp4").read_bytes()
        ),
        duration_seconds=28,
    )
    video.captions.add(
        VideoCaption(
            language="zh-hans",
            file=document(
                "video-three-nos.zh-hans.vtt",
                (DEMO_VIDEOS / "video-three-nos.zh-hans.vtt").read_bytes(),
            ),
        )
    )
    video.save()
    poster = factories.PosterPageFactory(parent=site_tree["library"], title="公检法不会电话办案")
    playlist = Playlist.objects.create(name="工商银行江南支行 大厅轮播")
    PlaylistItem.objects.create(playlist=playlist, page=video, sort_order=0)
    PlaylistItem.objects.create(playlist=playlist, page=poster, duration_seconds=20, sort_order=1)
    PlaylistItem.objects.create(
        playlist=playlist,
        title="转账前先核实",
        advice="陌生人让你转账，先打电话问家人。",
        sort_order=2,
    )
    return {"playlist": playlist, "video": video, "poster": poster, **site_tree}


def test_manifest_lists_items_in_order_with_media_and_durations(lobby_playlist):
    manifest = playlist_manifest(lobby_playlist["playlist"])
    video, poster, slide = manifest["items"]
    assert video["kind"] == "video" and video["title"] == "防骗“三不一多”"
    assert video["seconds"] == 28  # the video's own length when the editor gave none
    assert video["video"].endswith(".mp4") and video["mime"] == "video/mp4"
    assert video["captions"][0]["srclang"] == "zh-Hans"
    assert video["captions"][0]["src"].endswith(".vtt")
    assert video["page_id"] == lobby_playlist["video"].pk
    assert poster["kind"] == "poster" and poster["seconds"] == 20
    assert "/images/" in poster["image"] and ".max-1920x1920" in poster["image"]
    assert poster["alt"].startswith("海报文字")
    assert slide["kind"] == "slide" and slide["title"] == "转账前先核实"
    assert slide["seconds"] == 15 and slide["hotline"] == "96110"
    assert manifest["on_air"] is True and manifest["schedule"]["utc_offset_minutes"] == 480


def test_unpublished_and_private_pages_drop_out_of_the_manifest(lobby_playlist):
    lobby_playlist["video"].unpublish()
    titles = [item["title"] for item in playlist_manifest(lobby_playlist["playlist"])["items"]]
    assert titles == ["公检法不会电话办案", "转账前先核实"]
    PageViewRestriction.objects.create(page=lobby_playlist["poster"], restriction_type="login")
    titles = [item["title"] for item in playlist_manifest(lobby_playlist["playlist"])["items"]]
    assert titles == ["转账前先核实"]


def test_an_alert_an_editor_adds_today_is_in_the_manifest_at_once(lobby_playlist):
    before = playlist_manifest(lobby_playlist["playlist"])
    alert = factories.AlertPageFactory(
        parent=lobby_playlist["alerts"],
        title="警惕冒充医保局来电",
        summary="医保局不会电话通知冻结医保卡。",
    )
    PlaylistItem.objects.create(playlist=lobby_playlist["playlist"], page=alert, sort_order=-1)
    after = playlist_manifest(lobby_playlist["playlist"])
    assert after["items"][0]["kind"] == "alert"
    assert after["items"][0]["advice"] == "医保局不会电话通知冻结医保卡。"
    assert after["version"] != before["version"]


def test_schedule_keeps_dates_and_hours_on_beijing_time():
    playlist = Playlist(
        name="菜市场早市",
        start_date=datetime.date(2026, 12, 1),
        end_date=datetime.date(2026, 12, 31),
        start_hour=6,
        end_hour=12,
    )
    at = lambda *args: datetime.datetime(*args, tzinfo=BEIJING)  # noqa: E731
    assert is_on_air(playlist, at(2026, 12, 1, 6, 0))
    assert is_on_air(playlist, at(2026, 12, 31, 11, 59))
    assert not is_on_air(playlist, at(2026, 12, 1, 12, 0))
    assert not is_on_air(playlist, at(2026, 11, 30, 8, 0))
    assert not is_on_air(playlist, at(2027, 1, 1, 8, 0))
    # 23:30 UTC on 30 November is 07:30 on 1 December in Beijing.
    assert is_on_air(playlist, datetime.datetime(2026, 11, 30, 23, 30, tzinfo=datetime.UTC))


def test_an_item_is_a_video_poster_or_alert_or_a_titled_slide(lobby_playlist):
    playlist = lobby_playlist["playlist"]
    with pytest.raises(ValidationError) as empty:
        PlaylistItem(playlist=playlist).clean()
    assert "title" in empty.value.message_dict
    guide = factories.GuidePageFactory(parent=lobby_playlist["library"])
    with pytest.raises(ValidationError) as wrong:
        PlaylistItem(playlist=playlist, page=guide).clean()
    assert "page" in wrong.value.message_dict
    with pytest.raises(ValidationError):
        Playlist(name="x", start_hour=18, end_hour=8).clean()


def test_editors_build_playlists_in_the_admin_in_chinese(client, editor, lobby_playlist):
    client.force_login(editor)
    response = client.get("/admin/snippets/materials/playlist/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    body = response.content.decode()
    assert "工商银行江南支行 大厅轮播" in body and "屏幕播放列表" in body
    edit = client.get(
        f"/admin/snippets/materials/playlist/edit/{lobby_playlist['playlist'].pk}/",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert edit.status_code == 200
    assert "每天几点开始" in edit.content.decode() or "开始（时）" in edit.content.decode()


def test_the_playlist_form_offers_the_audiences_in_chinese_only(client, editor, lobby_playlist):
    """Audiences are translated snippets: the playlist (not translated) is aimed at the
    Chinese ones, and the editor sees no English names among the checkboxes."""
    from wagtail.models import Locale

    elders = factories.AudienceFactory(name="个体商户", slug="shop-owners")
    english = Locale.objects.get_or_create(language_code="en")[0]
    elders.copy_for_translation(english).save()  # as wagtail-localize makes it
    type(elders).objects.filter(locale=english).update(name="Shop owners")
    client.force_login(editor)
    edit = client.get(
        f"/admin/snippets/materials/playlist/edit/{lobby_playlist['playlist'].pk}/",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    choices = edit.context["form"].fields["audiences"].queryset
    assert "个体商户" in {audience.name for audience in choices}
    assert {audience.locale.language_code for audience in choices} == {"zh-hans"}
    assert "Shop owners" not in edit.content.decode()
