"""The text being parsed: locations of character offsets, and the escapes and numbers that
both the LALR tables (:mod:`.parser`) and the direct fact reader (:mod:`.facts`) read."""

from __future__ import annotations

import bisect
import re
import sys

from ..errors import ParseError, SourceLocation

CHARESCAPES = {
    "n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f", "v": "\v",
    "0": "\0", "e": "\x1b", "s": " ", "z": "", "\\": "\\", "'": "'", '"': '"', "`": "`",
    "\n": "",  # a backslash before a newline continues the quoted text on the next line
}
ESCAPE = re.compile(r"\\(x[0-9a-fA-F]+\\?|[0-7]+\\?|[\s\S])")


class Source:
    """The text being parsed, turning character offsets into locations."""

    def __init__(self, text: str, file: str | None):
        self.text = text
        self.file = file
        self.newlines = [m.start() for m in re.finditer("\n", text)]
        # The line last asked about (parsing asks in order, mostly on the same line): its
        # number, where it starts and where its newline is.
        self.line, self.line_start, self.line_end = 1, 0, -1

    def location(self, pos: int) -> SourceLocation:
        if not self.line_start <= pos <= self.line_end:
            line = bisect.bisect_left(self.newlines, pos)  # newlines before pos
            self.line = line + 1
            self.line_start = self.newlines[line - 1] + 1 if line else 0
            self.line_end = self.newlines[line] if line < len(self.newlines) else len(self.text)
        return SourceLocation(self.line, pos - self.line_start + 1, self.file)

    def error(self, message: str, pos: int) -> ParseError:
        return ParseError(message, self.location(pos))


def unescape(body: str, quote: str, source: Source, pos: int) -> str:
    """The text of a quoted atom or string (without its quotes): escapes and doubled quotes."""

    def replace(match: re.Match) -> str:
        code = match.group(1)
        if code[0] == "x" and len(code) > 1:
            return chr(int(code[1:].rstrip("\\"), 16))
        if code[0] in "01234567" and (len(code) > 1 or code == "0"):
            return chr(int(code.rstrip("\\"), 8))
        if code in CHARESCAPES:
            return CHARESCAPES[code]
        raise source.error(f"unknown escape sequence '\\{code}'", pos)

    if "\\" in body:
        # Doubled quotes are not escapes; keep them apart while substituting the escapes.
        return quote.join(ESCAPE.sub(replace, part) for part in body.split(quote * 2))
    return body.replace(quote * 2, quote)


def number_value(text: str, source: Source, pos: int) -> int | float:
    if text.startswith("0'"):
        char = text[2:]
        if char == "''":
            return ord("'")
        return ord(unescape(char, "'", source, pos) if char.startswith("\\") else char)
    if text.startswith(("0x", "0o", "0b")):
        return int(text, 0)
    if "." in text or "e" in text or "E" in text:
        return float(text)
    try:
        return int(text)
    except ValueError:  # beyond sys.get_int_max_str_digits(): it could not be printed either
        raise source.error(f"an integer of {len(text)} digits is too long (at most "
                           f"{sys.get_int_max_str_digits()})", pos) from None
