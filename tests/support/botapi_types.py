"""Telegram's side of the Bot API emulator (`tests.support.botapi`, which owns the server and the state):
errors and limits, parameter decoding, text formatting (parse_mode HTML, automatic entities, trimming),
keyboards, tiny real images, and `TelegramMethods`, the methods a bot calls (sendMessage, editMessageText...).
"""

from __future__ import annotations

import copy
import html
import json
import mimetypes
import re
import secrets
import struct
import threading
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

# --- errors and limits ---------------------------------------------------------------------------------

MAX_TEXT = 4096  # characters of a message text after entity parsing
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64  # bytes
MAX_DOWNLOAD = 20 * 1024 * 1024  # getFile refuses larger files
MAX_UPLOAD = 50 * 1024 * 1024
NOT_MODIFIED = ("message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message")
QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"
DEFAULT_DESCRIPTIONS = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
                        409: "Conflict", 413: "Request Entity Too Large", 500: "Internal Server Error",
                        502: "Bad Gateway"}
# Update types a bot only gets when it names them in allowed_updates.
OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
CHAT_ACTIONS = frozenset({"typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
                          "upload_document", "choose_sticker", "find_location", "record_video_note",
                          "upload_video_note"})


class ApiError(Exception):
    """An error answer: {"ok": false, "error_code": code, "description": ..., "parameters"?: ...}."""

    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}")


# --- parameters ----------------------------------------------------------------------------------------------


@dataclass
class Upload:
    """A file part of a multipart request."""

    filename: str
    content_type: str
    data: bytes

    def __repr__(self) -> str:
        return f"Upload({self.filename!r}, {self.content_type!r}, {len(self.data)} bytes)"


# Parameters Telegram treats as strings. Every other value sent as a form field is JSON (aiogram json-dumps
# ints, booleans, keyboards and lists), so a text "500" stays a string while chat_id "500" becomes 500.
STRING_FIELDS = frozenset({
    "text", "caption", "parse_mode", "callback_query_id", "file_id", "url", "action", "language_code",
    "inline_message_id", "business_connection_id", "message_effect_id", "secret_token", "ip_address",
    "photo", "document", "thumbnail", "emoji", "title", "description", "short_description", "name",
})


def decode_params(raw: dict[str, Any]) -> dict[str, Any]:
    """Give form or JSON parameters the types Telegram reads them as."""
    params: dict[str, Any] = {}
    for key, value in raw.items():
        if isinstance(value, Upload):
            params[key] = value
        elif key in STRING_FIELDS:
            params[key] = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        elif isinstance(value, str):
            try:
                params[key] = json.loads(value)
            except ValueError:
                params[key] = value  # e.g. chat_id "@channel"
        else:
            params[key] = value
    return params


def as_int(params: dict[str, Any], key: str, default: int = 0) -> int:
    value = params.get(key)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise bad_request(f"field \"{key}\" must be of type Integer") from None


# --- text and entities ---------------------------------------------------------------------------------------


def utf16_len(text: str) -> int:
    """Entity offsets and lengths count UTF-16 code units (an emoji outside the BMP counts 2)."""
    return len(text.encode("utf-16-le")) // 2


_TAG_ENTITY = {"b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
               "ins": "underline", "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
               "tg-spoiler": "spoiler", "span": "spoiler", "a": "text_link", "code": "code", "pre": "pre",
               "blockquote": "blockquote", "tg-emoji": "custom_emoji"}
_CHAR_REF = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|lt|gt|amp|quot);")
_ATTR = re.compile(r"""([a-zA-Z_-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")


def _parse_error(reason: str) -> ApiError:
    return bad_request(f"can't parse entities: {reason}")


def parse_html(source: str) -> tuple[str, list[dict[str, Any]]]:
    """parse_mode=HTML as Telegram reads it: the supported tags become entities, anything else is an error
    (an unescaped "<" in user-provided text is the classic way to get a 400)."""
    plain: list[str] = []
    offset = 0  # UTF-16 length of `plain`
    stack: list[tuple[str, dict[str, Any] | None, int]] = []
    entities: list[dict[str, Any]] = []
    i = 0
    while i < len(source):
        char = source[i]
        if char == "<":
            at = len(source[:i].encode())
            end = source.find(">", i)
            if end < 0:
                raise _parse_error(f"Unclosed start tag at byte offset {at}")
            inner = source[i + 1:end]
            if inner.startswith("/"):
                name = inner[1:].strip().lower()
                if not stack:
                    raise _parse_error(f"Unexpected end tag at byte offset {at}")
                opened, entity, start = stack.pop()
                if name != opened:
                    raise _parse_error(f'Unmatched end tag at byte offset {at}, expected "</{opened}>", '
                                       f'found "</{name}>"')
                if entity is not None and offset > start:
                    entities.append({**entity, "offset": start, "length": offset - start})
            else:
                match = re.match(r"[a-zA-Z][a-zA-Z0-9-]*", inner)
                name = match.group(0).lower() if match else ""
                if name not in _TAG_ENTITY:
                    raise _parse_error(f'Unsupported start tag "{name}" at byte offset {at}')
                attrs = {m.group(1).lower(): html.unescape(m.group(2) or m.group(3) or m.group(4) or "")
                         for m in _ATTR.finditer(inner[len(name):])}
                stack.append((name, _tag_entity(name, attrs, stack, at), offset))
            i = end + 1
            continue
        if char == "&" and (ref := _CHAR_REF.match(source, i)):
            char = html.unescape(ref.group(0))
            i = ref.end()
        else:
            i += 1
        plain.append(char)
        offset += utf16_len(char)
    if stack:
        raise _parse_error(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    return "".join(plain), entities


def _tag_entity(name: str, attrs: dict[str, str], stack: list[tuple[str, dict[str, Any] | None, int]],
                at: int) -> dict[str, Any] | None:
    kind = _TAG_ENTITY[name]
    if name == "span" and attrs.get("class") != "tg-spoiler":
        raise _parse_error(f'Unsupported start tag "span" at byte offset {at}')
    if name == "a":
        return {"type": "text_link", "url": attrs["href"]} if attrs.get("href") else None
    if name == "blockquote" and "expandable" in attrs:
        return {"type": "expandable_blockquote"}
    if name == "tg-emoji":
        return {"type": "custom_emoji", "custom_emoji_id": attrs.get("emoji-id", "")}
    if name == "code" and stack and stack[-1][0] == "pre" and stack[-1][1] is not None:
        # <pre><code class="language-x"> is one pre entity with a language.
        language = attrs.get("class", "").removeprefix("language-")
        if language:
            stack[-1][1]["language"] = language
        return None
    return {"type": kind}


# Entities Telegram finds by itself in any message text.
_AUTO = [("url", re.compile(r"\bhttps?://[^\s<>\"]+[^\s<>\".,;:!?)\]]")),
         ("email", re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")),
         ("bot_command", re.compile(r"(?<![\w/])/[a-zA-Z0-9_]{1,32}(?:@[a-zA-Z0-9_]{5,32})?(?![\w/])")),
         ("mention", re.compile(r"(?<![\w@])@[a-zA-Z0-9_]{5,32}\b")),
         ("hashtag", re.compile(r"(?<![\w#])#\w*[^\W\d]\w*"))]


def detect_entities(text: str, taken: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """url, email, bot_command, mention and hashtag entities, outside code/pre/text_link ranges."""
    blocked = [(e["offset"], e["offset"] + e["length"]) for e in taken or []
               if e["type"] in ("code", "pre", "text_link")]
    found: list[dict[str, Any]] = []
    for kind, pattern in _AUTO:
        for match in pattern.finditer(text):
            start = utf16_len(text[:match.start()])
            end = start + utf16_len(match.group(0))
            overlaps = [(s, e) for s, e in blocked if s < end and start < e]
            if not overlaps:
                found.append({"type": kind, "offset": start, "length": end - start})
                blocked.append((start, end))
    return found


def format_text(text: Any, parse_mode: str | None, entities: Any, *, limit: int,
                empty: str | None, too_long: str) -> tuple[str, list[dict[str, Any]]]:
    """Apply parse_mode (or explicit entities), trim surrounding whitespace as Telegram does, add the
    automatic entities and enforce the length limit. `empty` is the error for an empty result (None: allowed)."""
    text = "" if text is None else str(text)
    if isinstance(entities, list):
        found = [dict(e) for e in entities]
    elif (parse_mode or "").lower() == "html":
        text, found = parse_html(text)
    else:  # Markdown/MarkdownV2 are not parsed: the text is kept verbatim
        found = []
    stripped = text.strip()
    if stripped != text:
        shift = utf16_len(text[:len(text) - len(text.lstrip())])
        size = utf16_len(stripped)
        clipped = []
        for entity in found:
            start = max(entity["offset"] - shift, 0)
            end = min(entity["offset"] + entity["length"] - shift, size)
            if end > start:
                clipped.append({**entity, "offset": start, "length": end - start})
        text, found = stripped, clipped
    if not text and empty is not None:
        raise bad_request(empty)
    if len(text) > limit:
        raise bad_request(too_long)
    found += detect_entities(text, found)
    found.sort(key=lambda e: (e["offset"], -e["length"]))
    return text, found


# --- keyboards -----------------------------------------------------------------------------------------------

_INLINE_ACTIONS = ("callback_data", "url", "web_app", "login_url", "switch_inline_query",
                   "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
                   "callback_game", "pay")


def check_reply_markup(markup: Any) -> dict[str, Any] | None:
    """Validate a reply_markup; return it if it is an inline keyboard (the only kind a Message shows)."""
    if markup in (None, ""):
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad_request('can\'t parse inline keyboard button: Field "inline_keyboard" must be of type Array')
        for row in rows:
            for button in row:
                if not isinstance(button, dict) or not button.get("text"):
                    raise bad_request("can't parse inline keyboard button: Text must be non-empty")
                if not any(key in button for key in _INLINE_ACTIONS):
                    raise bad_request("can't parse inline keyboard button: Text buttons are unallowed in the "
                                      "inline keyboard")
                data = button.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA:
                    raise bad_request("BUTTON_DATA_INVALID")
        return markup
    if "keyboard" in markup:
        for row in markup["keyboard"]:
            for button in row:
                if not (button if isinstance(button, str) else (button or {}).get("text")):
                    raise bad_request("can't parse keyboard button: Text must be non-empty")
        return None
    if markup.get("remove_keyboard") or markup.get("force_reply"):
        return None
    raise bad_request("can't parse reply keyboard markup JSON object")


def has_button(message: dict[str, Any], callback_data: str) -> bool:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return any(button.get("callback_data") == callback_data for row in rows for button in row)


# --- images --------------------------------------------------------------------------------------------------


def png_bytes(width: int = 4, height: int = 4, rgb: tuple[int, int, int] = (42, 111, 219)) -> bytes:
    """A real (solid colour) PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def jpeg_bytes(width: int = 16, height: int = 16, rgb: tuple[int, int, int] = (42, 111, 219)) -> bytes:
    """A real baseline JPEG of one solid colour, encoded by hand: with every block flat, each 8x8 block is
    a DC value (only the first one per component differs from zero) and an end-of-block code."""
    r, g, b = rgb
    ycc = (0.299 * r + 0.587 * g + 0.114 * b,
           128 - 0.168736 * r - 0.331264 * g + 0.5 * b,
           128 + 0.5 * r - 0.418688 * g - 0.081312 * b)
    # Quantiser 8 everywhere: the DC coefficient 8*(v-128) quantises to v-128.
    dc_values = [round(min(max(v, 0), 255)) - 128 for v in ycc]
    # The standard luminance DC table (categories 0..11) and an AC table holding only end-of-block.
    dc_bits, dc_vals = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0], list(range(12))
    ac_bits, ac_vals = [1] + [0] * 15, [0x00]
    dc_codes = _huffman_codes(dc_bits, dc_vals)
    eob = _huffman_codes(ac_bits, ac_vals)[0]

    bits: list[str] = []
    blocks = ((width + 7) // 8) * ((height + 7) // 8)
    for index in range(blocks):
        for value in dc_values:
            diff = value if index == 0 else 0  # DC is coded as the difference from the previous block
            size = abs(diff).bit_length()
            bits.append(dc_codes[size])
            if size:
                bits.append(format(diff if diff > 0 else diff + (1 << size) - 1, f"0{size}b"))
            bits.append(eob)
    stream = "".join(bits)
    stream += "1" * (-len(stream) % 8)  # pad with ones
    data = bytearray()
    for pos in range(0, len(stream), 8):
        byte = int(stream[pos:pos + 8], 2)
        data.append(byte)
        if byte == 0xFF:
            data.append(0x00)  # byte stuffing

    def segment(marker: int, payload: bytes) -> bytes:
        return struct.pack(">HH", 0xFF00 | marker, len(payload) + 2) + payload

    components = b"".join(bytes([cid, 0x11, 0]) for cid in (1, 2, 3))
    return (b"\xff\xd8"
            + segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
            + segment(0xDB, b"\x00" + bytes([8] * 64))
            + segment(0xC0, struct.pack(">BHHB", 8, height, width, 3) + components)
            + segment(0xC4, b"\x00" + bytes(dc_bits) + bytes(dc_vals))
            + segment(0xC4, b"\x10" + bytes(ac_bits) + bytes(ac_vals))
            + segment(0xDA, b"\x03" + b"".join(bytes([cid, 0x00]) for cid in (1, 2, 3)) + b"\x00\x3f\x00")
            + bytes(data) + b"\xff\xd9")


def _huffman_codes(bits: list[int], values: list[int]) -> dict[int, str]:
    """Canonical Huffman codes from a JPEG DHT description (count of codes per length 1..16)."""
    codes: dict[int, str] = {}
    code, index = 0, 0
    for length, count in enumerate(bits, start=1):
        for _ in range(count):
            codes[values[index]] = format(code, f"0{length}b")
            code += 1
            index += 1
        code <<= 1
    return codes


def _photo_mime(data: bytes) -> str:
    """Telegram re-encodes photos as JPEG; the emulator keeps the bytes and says what they are."""
    if data.startswith(b"\x89PNG"):
        return "image/png"
    return "image/gif" if data.startswith(b"GIF8") else "image/jpeg"


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG, GIF or JPEG; None if the bytes are none of them."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        return struct.unpack(">II", data[16:24])
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        return struct.unpack("<HH", data[6:10])
    if data.startswith(b"\xff\xd8"):
        pos = 2
        while pos + 9 < len(data) and data[pos] == 0xFF:
            marker = data[pos + 1]
            length = struct.unpack(">H", data[pos + 2:pos + 4])[0]
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", data[pos + 5:pos + 9])
                return width, height
            pos += 2 + length
    return None


# --- the Bot API methods -------------------------------------------------------------------------------------


class TelegramMethods:
    """The bot-facing methods (`_m_<lowercase name>`) and the chat/message/file bookkeeping behind them.

    A mixin of `BotApiEmulator`, which owns the state declared below and calls the methods under `_lock`.
    """

    bot_user: dict[str, Any]
    _lock: threading.Condition
    messages: dict[tuple[int, int], dict[str, Any]]
    deleted: list[dict[str, Any]]
    callback_answers: list[dict[str, Any]]
    scoped_commands: dict[tuple[str, str], list[dict[str, Any]]]
    menu_buttons: dict[int | None, dict[str, Any]]
    files: dict[str, dict[str, Any]]
    blocked: set[int]
    webhook_url: str
    _pending: list[dict[str, Any]]
    _next_update_id: int
    _last_message_id: dict[int, int]
    _profiles: dict[int, dict[str, Any]]
    _queries: dict[str, dict[str, Any]]
    _counter: Iterator[int]

    def _confirm(self, offset: int) -> None:  # provided by the emulator's getUpdates side
        raise NotImplementedError

    def _user(self, user_id: int, first_name: str | None, username: str | None,
              language_code: str | None) -> dict[str, Any]:
        """The User object of a person; names not given stay as they were ("Test" at first)."""
        before = self._profiles.get(user_id, {})
        user: dict[str, Any] = {"id": user_id, "is_bot": False,
                                "first_name": first_name or before.get("first_name", "Test")}
        if username or before.get("username"):
            user["username"] = username or before["username"]
        if language_code:
            user["language_code"] = language_code
        with self._lock:
            self._profiles[user_id] = user
        return user

    def _chat(self, chat_id: int) -> dict[str, Any]:
        if chat_id < 0:
            kind = "supergroup" if str(chat_id).startswith("-100") else "group"
            return {"id": chat_id, "title": f"Group {-chat_id}", "type": kind}
        profile = self._profiles.get(chat_id, {"first_name": "Test"})
        chat = {"id": chat_id, "first_name": profile["first_name"]}
        if "username" in profile:
            chat["username"] = profile["username"]
        return {**chat, "type": "private"}

    def _new_message(self, chat_id: int, sender: dict[str, Any], content: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            message_id = self._last_message_id.get(chat_id, 0) + 1
            self._last_message_id[chat_id] = message_id
            message = {"message_id": message_id, "from": dict(sender), "chat": self._chat(chat_id),
                       "date": int(time.time()), **content}
            self.messages[(chat_id, message_id)] = message
        return message

    def _user_message(self, user_id: int, first_name: str | None, username: str | None, language_code: str,
                      content: dict[str, Any]) -> dict[str, Any]:
        user = self._user(user_id, first_name, username, language_code)
        return copy.deepcopy(self._new_message(user_id, user, content))

    @staticmethod
    def _user_caption(caption: str | None) -> dict[str, Any]:
        if not caption:
            return {}
        entities = detect_entities(caption)
        return {"caption": caption, **({"caption_entities": entities} if entities else {})}

    def _store_file(self, data: bytes, folder: str, extension: str, **extra: Any) -> dict[str, Any]:
        number = next(self._counter)
        prefix = "AgACAgIAAxkBAA" if folder == "photos" else "BQACAgIAAxkBAA"
        record = {"file_id": f"{prefix}{number}_{secrets.token_urlsafe(12)}",
                  "file_unique_id": f"AQAD{number}{secrets.token_hex(3)}", "file_size": len(data),
                  "file_path": f"{folder}/file_{number}.{extension.lower()}", "data": data,
                  "mime_type": _photo_mime(data) if folder == "photos" else "application/octet-stream", **extra}
        if folder == "photos":
            record["width"], record["height"] = image_size(data) or (1280, 960)
        with self._lock:
            self.files[record["file_id"]] = record
        return record

    def _target(self, params: dict[str, Any]) -> int:
        """The chat a method acts on; 403 if the user blocked the bot."""
        value = params.get("chat_id")
        if value in (None, ""):
            raise bad_request("chat_id is empty")
        try:
            chat_id = int(value)
        except (TypeError, ValueError):
            raise bad_request("chat not found") from None
        if chat_id == self.bot_user["id"]:
            raise ApiError(403, "Forbidden: bots can't send messages to bots")
        if chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat_id

    def _send(self, params: dict[str, Any], content: dict[str, Any]) -> dict[str, Any]:
        """Check the common parts of a send* call and store the bot's new message."""
        chat_id = self._target(params)
        markup = check_reply_markup(params.get("reply_markup"))
        reply = params.get("reply_parameters")
        reply = reply if isinstance(reply, dict) else {}
        reply_id = reply.get("message_id") or params.get("reply_to_message_id")
        head: dict[str, Any] = {}
        if reply_id:
            original = self.messages.get((chat_id, as_int({"message_id": reply_id}, "message_id")))
            if original is not None:
                head["reply_to_message"] = {k: v for k, v in original.items() if k != "reply_to_message"}
            elif not (reply.get("allow_sending_without_reply") or params.get("allow_sending_without_reply")):
                raise bad_request("message to be replied not found")
        return self._new_message(chat_id, self.bot_user, {**head, **content,
                                                          **({"reply_markup": markup} if markup else {})})

    def _caption(self, params: dict[str, Any]) -> dict[str, Any]:
        caption, entities = format_text(params.get("caption"), params.get("parse_mode"),
                                        params.get("caption_entities"), limit=MAX_CAPTION, empty=None,
                                        too_long="message caption is too long")
        if not caption:
            return {}
        return {"caption": caption, **({"caption_entities": entities} if entities else {})}

    def _input_file(self, value: Any, kind: str) -> dict[str, Any]:
        """An uploaded file is stored; a string must be a known file_id."""
        if isinstance(value, Upload):
            if not value.data:
                raise bad_request("file must be non-empty")
            if len(value.data) > MAX_UPLOAD:
                raise ApiError(413, "Request Entity Too Large")
            if kind == "photo":
                if image_size(value.data) is None:
                    raise bad_request("IMAGE_PROCESS_FAILED")
                return self._store_file(value.data, "photos", "jpg")
            name = value.filename or "file"
            mime = mimetypes.guess_type(name)[0] or value.content_type or "application/octet-stream"
            return self._store_file(value.data, "documents", file_extension(name), file_name=name, mime_type=mime)
        if value in (None, ""):
            raise bad_request(f"there is no {kind} in the request")
        if str(value).startswith(("http://", "https://")):
            raise bad_request("failed to get HTTP URL content")
        record = self.files.get(str(value))
        if record is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        if kind == "photo" and not record["file_path"].startswith("photos/"):
            raise bad_request("can't use file of type Document as Photo")
        return record

    def _editable(self, params: dict[str, Any]) -> tuple[tuple[int, int], dict[str, Any]]:
        if params.get("inline_message_id"):
            raise bad_request("MESSAGE_ID_INVALID")  # inline mode is not emulated
        chat_id = self._target(params)
        message_id = as_int(params, "message_id")
        if not message_id:
            raise bad_request("message identifier is not specified")
        message = self.messages.get((chat_id, message_id))
        if message is None:
            raise bad_request("message to edit not found")
        if message["from"]["id"] != self.bot_user["id"]:
            raise bad_request("message can't be edited")
        return (chat_id, message_id), message

    def _edit(self, params: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
        """Apply changes (None removes a field); reply_markup is replaced too: an edit without it removes the
        inline keyboard, as on Telegram. Unchanged content and markup are a 400."""
        key, message = self._editable(params)
        markup = params.get("reply_markup")
        if markup and not (isinstance(markup, dict) and "inline_keyboard" in markup):
            raise bad_request("inline keyboard expected")
        changes = {**changes, "reply_markup": check_reply_markup(markup)}
        if all(message.get(field) == value for field, value in changes.items()):
            raise bad_request(NOT_MODIFIED)
        edited = {k: v for k, v in message.items() if k not in changes}
        edited.update({k: v for k, v in changes.items() if v is not None})
        edited["edit_date"] = int(time.time())
        self.messages[key] = edited
        return edited

    # --- methods (run under the lock) -------------------------------------------------------------------------

    def _m_getme(self, params: dict[str, Any]) -> dict[str, Any]:
        return {**self.bot_user, "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": False, "can_connect_to_business": False, "has_main_web_app": False}

    def _m_logout(self, params: dict[str, Any]) -> bool:
        return True

    def _m_close(self, params: dict[str, Any]) -> bool:
        return True

    def _m_setwebhook(self, params: dict[str, Any]) -> bool:
        url = str(params.get("url") or "")
        if url and not url.startswith("https://"):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        self.webhook_url = url
        return True

    def _m_deletewebhook(self, params: dict[str, Any]) -> bool:
        self.webhook_url = ""
        if params.get("drop_pending_updates"):
            self._confirm(self._next_update_id)
        return True

    def _m_getwebhookinfo(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"url": self.webhook_url, "has_custom_certificate": False, "pending_update_count": len(self._pending)}

    def _m_setmycommands(self, params: dict[str, Any]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("can't parse commands JSON object")
        for command in commands:
            name = str(command.get("command", "")) if isinstance(command, dict) else ""
            if not (1 <= len(name) <= 32 and all(c.islower() or c.isdigit() or c == "_" for c in name)
                    and name.isascii()):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
                raise bad_request("command description is empty")
        self.scoped_commands[(scope_key(params.get("scope")), params.get("language_code") or "")] = commands
        return True

    def _m_getmycommands(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        return self.scoped_commands.get((scope_key(params.get("scope")), params.get("language_code") or ""), [])

    def _m_deletemycommands(self, params: dict[str, Any]) -> bool:
        self.scoped_commands.pop((scope_key(params.get("scope")), params.get("language_code") or ""), None)
        return True

    def _m_setchatmenubutton(self, params: dict[str, Any]) -> bool:
        button = params.get("menu_button") or {"type": "default"}
        if not isinstance(button, dict) or button.get("type") not in ("default", "commands", "web_app"):
            raise bad_request("can't parse menu button JSON object")
        chat_id = self._target(params) if params.get("chat_id") not in (None, "") else None
        self.menu_buttons[chat_id] = button
        return True

    def _m_getchatmenubutton(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._target(params) if params.get("chat_id") not in (None, "") else None
        return self.menu_buttons.get(chat_id) or self.menu_buttons.get(None) or {"type": "default"}

    def _m_sendmessage(self, params: dict[str, Any]) -> dict[str, Any]:
        self._target(params)  # a blocked user's 403 comes before text checks, as on Telegram
        text, entities = format_text(params.get("text"), params.get("parse_mode"), params.get("entities"),
                                     limit=MAX_TEXT, empty="message text is empty", too_long="message is too long")
        return self._send(params, {"text": text, **({"entities": entities} if entities else {})})

    def _m_sendphoto(self, params: dict[str, Any]) -> dict[str, Any]:
        self._target(params)
        caption = self._caption(params)
        record = self._input_file(params.get("photo"), "photo")
        size = {key: record[key] for key in ("file_id", "file_unique_id", "file_size")}
        width, height = image_size(record["data"]) or (1280, 960)
        return self._send(params, {"photo": [{**size, "width": width, "height": height}], **caption})

    def _m_senddocument(self, params: dict[str, Any]) -> dict[str, Any]:
        self._target(params)
        caption = self._caption(params)
        record = self._input_file(params.get("document"), "document")
        return self._send(params, {"document": document_object(record), **caption})

    def _m_editmessagetext(self, params: dict[str, Any]) -> dict[str, Any]:
        _, message = self._editable(params)
        if "text" not in message:
            raise bad_request("there is no text in the message to edit")
        text, entities = format_text(params.get("text"), params.get("parse_mode"), params.get("entities"),
                                     limit=MAX_TEXT, empty="message text is empty", too_long="message is too long")
        return self._edit(params, {"text": text, "entities": entities or None})

    def _m_editmessagecaption(self, params: dict[str, Any]) -> dict[str, Any]:
        _, message = self._editable(params)
        if "photo" not in message and "document" not in message:
            raise bad_request("there is no caption in the message to edit")
        caption = self._caption(params)
        return self._edit(params, {"caption": caption.get("caption"),
                                   "caption_entities": caption.get("caption_entities")})

    def _m_editmessagereplymarkup(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._edit(params, {})

    def _m_deletemessage(self, params: dict[str, Any]) -> bool:
        key = (self._target(params), as_int(params, "message_id"))
        if key not in self.messages:
            raise bad_request("message to delete not found")
        self.deleted.append(self.messages.pop(key))
        return True

    def _m_answercallbackquery(self, params: dict[str, Any]) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        entry = self._queries.get(query_id)
        if entry is None or entry["answered"] is not None:
            raise bad_request(QUERY_INVALID)
        answer = {key: params[key] for key in ("text", "show_alert", "url", "cache_time") if key in params}
        entry["answered"] = answer
        self.callback_answers.append({"callback_query_id": query_id, "user_id": entry["query"]["from"]["id"],
                                      "data": entry["query"].get("data"), **answer})
        return True

    def _m_sendchataction(self, params: dict[str, Any]) -> bool:
        self._target(params)
        if params.get("action") not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    def _m_getfile(self, params: dict[str, Any]) -> dict[str, Any]:
        record = self.files.get(str(params.get("file_id") or ""))
        if record is None:
            raise bad_request("invalid file_id")
        if record["file_size"] > MAX_DOWNLOAD:
            raise bad_request("file is too big")
        return {key: record[key] for key in ("file_id", "file_unique_id", "file_size", "file_path")}


def document_object(record: dict[str, Any]) -> dict[str, Any]:
    return {"file_name": record.get("file_name", "file"), "mime_type": record["mime_type"],
            **{key: record[key] for key in ("file_id", "file_unique_id", "file_size")}}


def file_extension(file_name: str) -> str:
    return file_name.rsplit(".", 1)[-1] if "." in file_name else "bin"


def scope_key(scope: Any) -> str:
    """BotCommandScope as a key: "default", "all_private_chats", "chat:<id>", "chat_member:<chat>:<user>"..."""
    if not isinstance(scope, dict) or not scope.get("type"):
        return "default"
    kind = scope["type"]
    if kind in ("default", "all_private_chats", "all_group_chats", "all_chat_administrators"):
        return kind
    if kind in ("chat", "chat_administrators"):
        return f"{kind}:{scope.get('chat_id')}"
    if kind == "chat_member":
        return f"chat_member:{scope.get('chat_id')}:{scope.get('user_id')}"
    raise bad_request("wrong scope type specified")
