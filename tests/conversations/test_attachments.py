"""Uploads: limits, type from content, images cleaned, safe serving, sending with a message."""

from __future__ import annotations

import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from rest_framework.test import APIClient

from parley.conversations.models import Attachment, Message
from tests.conftest import client_for
from tests.factories import ORIGIN, ConversationFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (800, 600), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    exif[0x8825] = {1: "N", 2: (39.0, 54.0, 0.0)}  # GPS info
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def upload(client, url, content: bytes, name: str):
    return client.post(url, {"file": SimpleUploadedFile(name, content)}, format="multipart")


def members_url(world):
    return f"/api/v1/workspaces/{world.workspace.slug}/attachments/"


def test_an_image_is_re_encoded_without_metadata_and_gets_a_thumbnail(world, client):
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif()  # the test image does carry EXIF
    response = upload(client_for(world.agent), members_url(world), original, "../../holiday.JPG")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["kind"] == "image" and body["content_type"] == "image/jpeg"
    assert body["name"] == "holiday.jpg" and (body["width"], body["height"]) == (800, 600)
    served = client.get(body["url"])
    assert served.status_code == 200
    content = b"".join(served.streaming_content)
    assert not Image.open(io.BytesIO(content)).getexif()
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Disposition"].startswith("inline;")
    assert "sandbox" in served["Content-Security-Policy"]
    thumbnail = Image.open(
        io.BytesIO(b"".join(client.get(body["thumbnail_url"]).streaming_content))
    )
    assert max(thumbnail.size) <= 320


def test_a_pdf_is_a_file_served_as_a_download(world, client):
    response = upload(client_for(world.agent), members_url(world), PDF, "invoice.pdf")
    assert response.status_code == 201
    body = response.json()
    assert body["kind"] == "file" and body["thumbnail_url"] is None
    served = client.get(body["url"])
    assert served["Content-Type"] == "application/pdf"
    assert served["Content-Disposition"] == "attachment; filename*=UTF-8''invoice.pdf"


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"<html><script>alert(1)</script></html>", "photo.png"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "logo.svg"),
        (b"<!doctype html><body onload=alert(1)>", "page.html"),
        (b"MZ\x90\x00" + b"\x00" * 200, "setup.pdf"),
        (b"\x89PNG\r\n\x1a\n" + b"not really a png" * 4, "broken.png"),
    ],
)
def test_disguised_or_dangerous_files_are_refused(world, content, name):
    response = upload(client_for(world.agent), members_url(world), content, name)
    assert response.status_code == 415
    assert response.json()["code"] == "type_not_allowed"
    assert not Attachment.objects.exists()


def test_an_oversized_file_is_refused(world, settings):
    settings.PARLEY_UPLOAD_MAX_BYTES = 1000
    response = upload(client_for(world.agent), members_url(world), PDF + b"0" * 1000, "big.pdf")
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert not Attachment.objects.exists()


def test_a_request_without_a_file_is_a_clear_error(world):
    response = client_for(world.agent).post(members_url(world), {}, format="multipart")
    assert response.status_code == 400 and response.json()["code"] == "missing_field"


def test_a_forged_file_link_is_not_found(world, client):
    upload(client_for(world.agent), members_url(world), PDF, "a.pdf")
    assert client.get("/files/forged-token/a.pdf").status_code == 404


def test_send_a_message_with_an_attachment(world):
    conversation = ConversationFactory(inbox=world.inbox, contact=world.contact)
    client = client_for(world.agent)
    attachment = upload(client, members_url(world), jpeg_with_gps(), "a.jpg").json()
    response = client.post(
        f"/api/v1/workspaces/{world.workspace.slug}/conversations/{conversation.pk}/messages/",
        {"body": "", "attachments": [attachment["id"]], "client_id": str(uuid.uuid4())},
        format="json",
    )
    assert response.status_code == 201, response.json()
    message = response.json()
    assert message["kind"] == "image"
    assert [a["id"] for a in message["attachments"]] == [attachment["id"]]
    listed = client.get(
        f"/api/v1/workspaces/{world.workspace.slug}/conversations/{conversation.pk}/messages/"
    ).json()["results"]
    (image,) = [m for m in listed if m["kind"] == "image"]
    assert image["attachments"][0]["name"] == "a.jpg"
    # Sent once: it cannot ride on a second message.
    again = client.post(
        f"/api/v1/workspaces/{world.workspace.slug}/conversations/{conversation.pk}/messages/",
        {"body": "again", "attachments": [attachment["id"]]},
        format="json",
    )
    assert again.status_code == 400
    assert Message.objects.filter(kind="text").count() == 0


def test_someone_elses_upload_cannot_be_sent(world, other_world):
    conversation = ConversationFactory(inbox=world.inbox, contact=world.contact)
    theirs = upload(client_for(world.other_agent), members_url(world), PDF, "x.pdf").json()
    foreign = upload(client_for(other_world.agent), members_url(other_world), PDF, "y.pdf").json()
    for attachment in (theirs, foreign):
        response = client_for(world.agent).post(
            f"/api/v1/workspaces/{world.workspace.slug}/conversations/{conversation.pk}/messages/",
            {"body": "look", "attachments": [attachment["id"]]},
            format="json",
        )
        assert response.status_code == 400
    assert not conversation.messages.exists()


def test_a_visitor_uploads_through_the_widget_api(world):
    session = (
        APIClient()
        .post(
            "/api/widget/v1/sessions",
            {"inbox": world.inbox.public_key},
            format="json",
            headers={"Origin": ORIGIN},
        )
        .json()
    )
    widget = APIClient()
    widget.credentials(HTTP_AUTHORIZATION=f"Bearer {session['token']}", HTTP_ORIGIN=ORIGIN)
    attachment = upload(widget, "/api/widget/v1/attachments", jpeg_with_gps(), "me.jpg")
    assert attachment.status_code == 201
    sent = widget.post(
        "/api/widget/v1/messages",
        {
            "client_id": str(uuid.uuid4()),
            "conversation": None,
            "body": "see photo",
            "attachments": [attachment.json()["id"]],
        },
        format="json",
    )
    assert sent.status_code == 201 and sent.json()["kind"] == "image"
    anonymous = APIClient().post(
        "/api/widget/v1/attachments",
        {"file": SimpleUploadedFile("a.pdf", PDF)},
        format="multipart",
        headers={"Origin": ORIGIN},
    )
    assert anonymous.status_code == 401


def test_file_links_expire(world, client, settings):
    body = upload(client_for(world.agent), members_url(world), PDF, "a.pdf").json()
    assert client.get(body["url"]).status_code == 200
    settings.PARLEY_FILE_LINK_MAX_AGE = -1
    assert client.get(body["url"]).status_code == 404
