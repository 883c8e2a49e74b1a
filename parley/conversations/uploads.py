"""Checking and cleaning uploaded files before anything is stored.

The type comes from the bytes, never from the name or the browser's Content-Type; only types on
the allowlist pass. Images are decoded and re-encoded, which drops EXIF/GPS metadata and any
payload hidden after the image data, and get a thumbnail. SVG and HTML are never accepted: both
can carry script.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, ImageOps, UnidentifiedImageError
from rest_framework import serializers
from rest_framework.request import Request

from parley.errors import ApplicationError, ErrorCode

IMAGE_TYPES = {"image/jpeg": "JPEG", "image/png": "PNG", "image/gif": "GIF", "image/webp": "WEBP"}
FILE_TYPES = {
    "application/pdf",
    "application/zip",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "audio/mpeg",
    "audio/mp4",
    "video/mp4",
}
EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "application/pdf": "pdf",
    "application/zip": "zip",
    "application/msword": "doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.ms-excel": "xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "audio/mpeg": "mp3",
    "audio/mp4": "m4a",
    "video/mp4": "mp4",
}
THUMBNAIL_SIZE = (320, 320)
# Decompression bombs: refuse images that would expand beyond this many pixels.
MAX_PIXELS = 40_000_000

_UNSAFE_NAME = re.compile(r"[^\w.\- ]+", re.UNICODE)


class UploadInput(serializers.Serializer):
    file = serializers.FileField()


def uploaded_file(request: Request) -> UploadedFile:
    """The request's `file` part; a clear 400 when there is none."""
    upload = request.FILES.get("file")
    if upload is None:
        raise ApplicationError(
            ErrorCode.MISSING_FIELD,
            "Send the file in a multipart field named 'file'.",
            fields={"file": "missing"},
        )
    if upload.size is not None and upload.size > settings.PARLEY_UPLOAD_MAX_BYTES:
        raise ApplicationError(
            ErrorCode.TOO_LARGE,
            f"Files may be at most {settings.PARLEY_UPLOAD_MAX_BYTES // 1_000_000} MB.",
        )
    return upload


@dataclass(frozen=True)
class CleanFile:
    content: bytes
    content_type: str
    name: str
    is_image: bool
    width: int | None = None
    height: int | None = None
    thumbnail: bytes | None = None


def safe_name(raw: str, content_type: str) -> str:
    """A display name with no path parts or odd characters, ending in the detected type's
    extension, so a download never pretends to be something else."""
    stem = unicodedata.normalize("NFC", raw.replace("\\", "/").rsplit("/", 1)[-1])
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    stem = _UNSAFE_NAME.sub("_", stem).strip(" ._")[:80] or "file"
    return f"{stem}.{EXTENSIONS[content_type]}"


def detect_type(content: bytes) -> str | None:
    kind = filetype.guess(content)
    return kind.mime if kind is not None else None


def clean_upload(*, content: bytes, name: str) -> CleanFile:
    if len(content) > settings.PARLEY_UPLOAD_MAX_BYTES:
        raise ApplicationError(
            ErrorCode.TOO_LARGE,
            f"Files may be at most {settings.PARLEY_UPLOAD_MAX_BYTES // 1_000_000} MB.",
        )
    if not content:
        raise ApplicationError(ErrorCode.INVALID, "The file is empty.")
    content_type = detect_type(content)
    if content_type in IMAGE_TYPES:
        return _clean_image(content, content_type, name)
    if content_type in FILE_TYPES:
        return CleanFile(
            content=content,
            content_type=content_type,
            name=safe_name(name, content_type),
            is_image=False,
        )
    raise ApplicationError(
        ErrorCode.TYPE_NOT_ALLOWED,
        "This kind of file is not accepted. Images, PDF, Office documents, ZIP, MP3 and MP4 are.",
    )


def _clean_image(content: bytes, content_type: str, name: str) -> CleanFile:
    try:
        with Image.open(io.BytesIO(content)) as probe:
            if probe.width * probe.height > MAX_PIXELS:
                raise ApplicationError(ErrorCode.TOO_LARGE, "The image has too many pixels.")
            probe.verify()
        with Image.open(io.BytesIO(content)) as image:
            animated = content_type in {"image/gif", "image/webp"} and getattr(
                image, "is_animated", False
            )
            image.load()
            if animated:
                # Re-save every frame: the metadata stays behind, the animation does not.
                base: Image.Image = image
                out = _reencode(image, IMAGE_TYPES[content_type], save_all=True)
            else:
                base = ImageOps.exif_transpose(image) or image
                out = _reencode(base, IMAGE_TYPES[content_type])
            thumb = base.copy()
            thumb.thumbnail(THUMBNAIL_SIZE)
            thumbnail = _reencode(thumb.convert("RGB"), "JPEG")
            width, height = base.size
    except ApplicationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise ApplicationError(ErrorCode.TYPE_NOT_ALLOWED, "The image could not be read.") from exc
    return CleanFile(
        content=out,
        content_type=content_type,
        name=safe_name(name, content_type),
        is_image=True,
        width=width,
        height=height,
        thumbnail=thumbnail,
    )


def _reencode(image: Image.Image, image_format: str, *, save_all: bool = False) -> bytes:
    buffer = io.BytesIO()
    if image_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    # No `exif=` or `pnginfo=` argument: the metadata is left behind.
    image.save(buffer, format=image_format, save_all=save_all, optimize=True)
    return buffer.getvalue()
