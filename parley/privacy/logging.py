"""A logging filter that masks personal data in every record before a handler writes it."""

from __future__ import annotations

import logging

from parley.privacy.mask import mask_text


class MaskPiiFilter(logging.Filter):
    """Formats the record's message once, masks it, and stores the result as the message
    (with no arguments left), so every formatter after it sees masked text only. Exception
    text is masked too: a traceback can quote a value."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: log what there is rather than nothing
            message = str(record.msg)
        masked = mask_text(message)
        if masked != message or record.args:
            record.msg = masked
            record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        return True
