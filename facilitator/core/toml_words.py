"""TOML syntax errors in a teacher's words: tomllib's message about a protocol or session file
as one line, `where:LINE:COL: what is wrong; what to do`, placed where the fix goes.

The common mistakes (a key given twice, a text never closed, a value without quotes, a list
never closed, ...) are found by a small scan of the text, since tomllib names only the place
it stopped; anything else keeps tomllib's words. Imported only when a file is broken.
"""

from __future__ import annotations

import dataclasses
import re

_TOML_POSITION = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)\s*$")


def toml_problem(text: str, where: str, message: str) -> str:
    """tomllib's message about `text` as `where:LINE:COL: what is wrong; what to do`: the common
    mistakes in plain words (placed where the fix goes), the rest in tomllib's. It may quote
    the file: the caller makes it one plain line."""
    found = _TOML_POSITION.search(message)
    if not found:
        return f"{where}: {message}"
    said = message[: found.start()]
    src = text.replace("\r\n", "\n")  # what tomllib read, so its positions hold
    if found.group(1):
        row, col = int(found.group(1)), int(found.group(2))
        pos = _line_start(src, row) + col - 1
    else:  # "end of document"
        pos = len(src)
    plain = _plain_words(src, min(pos, len(src)), said)
    if plain is not None:
        pos, said = plain
    row, col = _row_col(src, pos)
    return f"{where}:{row}:{col}: {said}"


def _line_start(src: str, row: int) -> int:
    at = 0
    for _ in range(row - 1):
        at = src.index("\n", at) + 1
    return at


def _row_col(src: str, pos: int) -> tuple[int, int]:
    return src.count("\n", 0, pos) + 1, pos - (src.rfind("\n", 0, pos) + 1) + 1


@dataclasses.dataclass
class _Span:
    """A text in quotes or a [ ] / { } in a TOML text: where it opens, and closes (None: never)."""

    start: int
    opener: str  # one of " ' \"\"\" ''' [ {
    end: int | None = None


@dataclasses.dataclass(frozen=True)
class _Statement:
    """A `key = value` line or a [table] / [[tables]] header, as far as it could be read."""

    kind: str  # "value", "table" or "tables"
    key: tuple[str, ...]
    start: int  # where it begins: the key, or the header's "["
    table: int  # the header it comes under (its own for a header; -1: the top level)

    @property
    def name(self) -> str:
        return ".".join(self.key)


@dataclasses.dataclass
class _Scan:
    """The statements, texts and brackets of a TOML text, found without parsing it: enough to
    say where a mistake tomllib reports began."""

    statements: list[_Statement] = dataclasses.field(default_factory=list)
    spans: list[_Span] = dataclasses.field(default_factory=list)

    def full_key(self, statement: _Statement) -> tuple[str, ...]:
        """The key from the top of the file: a header's, or a value's with its table's before it."""
        if statement.kind != "value" or statement.table < 0:
            return statement.key
        return self.statements[statement.table].key + statement.key

    def statement_at(self, pos: int) -> _Statement | None:
        before = [s for s in self.statements if s.start <= pos]
        return before[-1] if before else None

    def open_at(self, pos: int, openers: str) -> list[_Span]:
        """The spans (of the given kinds) that are open at `pos`, outermost first."""
        return [
            s for s in self.spans if s.opener in openers and s.start < pos and (s.end is None or s.end > pos)
        ]


def _scan(src: str) -> _Scan:
    scan = _Scan()
    i, table = 0, -1
    while i < len(src):
        if src[i] in " \t\r\n":
            i += 1
        elif src[i] == "#":
            i = _line_end(src, i)
        elif src[i] == "[":
            double = src.startswith("[[", i)
            _, key = _read_key(src, i + (2 if double else 1), scan)
            table = len(scan.statements)
            scan.statements.append(_Statement("tables" if double else "table", key, i, table))
            i = _line_end(src, i)
        else:
            j, key = _read_key(src, i, scan)
            scan.statements.append(_Statement("value", key, i, table))
            i = _read_value(src, j + 1, scan) if src.startswith("=", j) else _line_end(src, max(j, i + 1))
    return scan


def _line_end(src: str, i: int) -> int:
    end = src.find("\n", i)
    return len(src) if end < 0 else end


def _read_key(src: str, i: int, scan: _Scan) -> tuple[int, tuple[str, ...]]:
    """The parts of a (dotted, perhaps quoted) key from `i`; where the key ends."""
    parts = []
    while True:
        while i < len(src) and src[i] in " \t":
            i += 1
        if i < len(src) and src[i] in "\"'":
            start = i
            i = _read_text(src, i, scan, triple=False)
            parts.append(src[start + 1 : i - 1] if scan.spans[-1].end is not None else src[start + 1 : i])
        else:
            start = i
            while i < len(src) and src[i] not in " \t.=[]{},#\"'\n\r":
                i += 1
            parts.append(src[start:i])
        while i < len(src) and src[i] in " \t":
            i += 1
        if not src.startswith(".", i):
            return i, tuple(parts)
        i += 1


def _read_value(src: str, i: int, scan: _Scan) -> int:
    """Past a value from `i` (texts, lists over several lines, tables in braces): the end of
    its statement."""
    stack: list[_Span] = []
    while i < len(src):
        char = src[i]
        if char == "\n":
            while stack and stack[-1].opener == "{":  # a table in braces ends with its line
                stack.pop()
            if not stack:
                return i
            i += 1
        elif char == "#":
            i = _line_end(src, i)
        elif char in "\"'":
            i = _read_text(src, i, scan, triple=True)
        elif char in "[{":
            stack.append(_Span(i, char))
            scan.spans.append(stack[-1])
            i += 1
        elif char in "]}":
            if stack:
                stack.pop().end = i + 1
            i += 1
        else:
            i += 1
    return i


def _read_text(src: str, i: int, scan: _Scan, triple: bool) -> int:
    """Past the text in quotes at `i` (the newline that ends a one-line text never closed)."""
    mark = src[i]
    quote = mark * 3 if triple and src.startswith(mark * 3, i) else mark
    span = _Span(i, quote)
    scan.spans.append(span)
    j = i + len(quote)
    while j < len(src):
        if src[j] == "\\" and mark == '"' and (len(quote) == 3 or src[j + 1 : j + 2] != "\n"):
            j += 2
        elif src.startswith(quote, j):
            j += len(quote)
            if len(quote) == 3:  # """a"""" ends with a quote in the text
                j += len(src[j : j + 2]) - len(src[j : j + 2].lstrip(mark))
            span.end = j
            return j
        elif src[j] == "\n" and len(quote) == 1:
            return j
        else:
            j += 1
    return len(src)


_CLOSE_TEXT = {
    '"': 'end it with " on the same line (or use """ for text on several lines)',
    "'": "end it with ' on the same line",
    '"""': 'end it with """',
    "'''": "end it with '''",
}
_CURLY_QUOTES = "“”„‟«»‘’‚‛"
_NOT_A_STATEMENT = (
    "this line is neither key = value nor a [table] header; fix it, or start it with # to make it a comment"
)
_NEW_STATEMENT = re.compile(r"\s*(\[|[\w.\"' -]+=)")


def _plain_words(src: str, pos: int, said: str) -> tuple[int, str] | None:
    """The place and plain words for a mistake tomllib reports at `pos`; None when it is not
    one of the common ones."""
    scan = _scan(src)
    char = src[pos : pos + 1]
    here = scan.statement_at(pos)
    line = src[src.rfind("\n", 0, pos) + 1 : pos]  # the line up to pos
    if said in ("Unterminated string", "Illegal character '\\n'", "Found invalid character '\\n'") or (
        said in ('Expected "\'"', "Expected \"'''\"")
    ):
        texts = [s for s in scan.spans if s.opener in _CLOSE_TEXT and s.end is None and s.start <= pos]
        if texts:
            start = texts[-1].start
            return start, (
                f"a text that starts on line {_row_col(src, start)[0]} is never closed; "
                f"{_CLOSE_TEXT[texts[-1].opener]}"
            )
        return None
    if said == "Cannot overwrite a value" and here is not None:
        if scan.open_at(pos, "{"):
            return pos, "a key is given twice inside { }; keep one"
        return here.start, _given_twice(src, scan, here)
    if said.startswith("Cannot declare ") and here is not None and here.kind != "value":
        index = scan.statements.index(here)
        before = [s for s in scan.statements[:index] if scan.full_key(s) == here.key]
        if before and before[-1].kind == "tables":
            line_no = _row_col(src, before[-1].start)[0]
            return here.start, (
                f"[{here.name}] is a list of tables (line {line_no} has [[{here.name}]]); "
                f"write [[{here.name}]] to add one more"
            )
        if before:
            lines = f"lines {_row_col(src, before[-1].start)[0]} and {_row_col(src, here.start)[0]}"
            return here.start, f"the table [{here.name}] is given twice ({lines}); keep one"
        return here.start, f"the table [{here.name}] is given twice; keep one"
    if said.startswith("Duplicate inline table key "):
        key = said.removeprefix("Duplicate inline table key ").strip("'\"")
        return pos, f"`{key}` is given twice inside {{ }}; keep one"
    if said == "Expected '=' after a key in a key/value pair":
        key = _key_before(src, scan, pos)
        if not any(c.isalnum() for c in key):  # a line such as "- item"
            return pos, _NOT_A_STATEMENT
        if char == ":":
            return pos, f"write `{key} = ...` with an = sign, not a colon"
        return (
            pos,
            f"`{key}` is not followed by =; write {key} = value, or start the line with # for a comment",
        )
    if said in ("Invalid value", "Unclosed array", "Unclosed inline table"):
        return _value_words(src, scan, pos, said, here)
    if said == "Expected newline or end of document after a statement" and here is not None:
        return _after_value_words(src, pos, here)
    if said == "Expected ']' at the end of a table declaration":
        return pos, "a [table] header ends with ] right after its name; put nothing else inside"
    if said == "Expected ']]' at the end of an array declaration":
        return pos, "a [[tables]] header ends with ]] right after its name; put nothing else inside"
    if said == "Invalid statement":
        if char in _CURLY_QUOTES:
            return pos, "curly quotes do not mark a key; use straight quotes \" or ' (or none)"
        return pos, _NOT_A_STATEMENT
    if said == "Invalid initial character for a key part":
        if line.rstrip().endswith("."):
            return pos, "a key cannot end with a dot; write the part after it, or remove the dot"
        return pos, "a key is missing here; keys are letters, digits, - and _ (or text in quotes)"
    if said in ("Unescaped '\\' in a string", "Invalid hex value"):
        slash = src.rfind("\\", src.rfind("\n", 0, pos) + 1, pos + 1)  # tomllib points past it
        return (
            slash if slash >= 0 else pos,
            "a \\ in text starts an escape such as \\n; write \\\\ for a backslash, or use 'single quotes'",
        )
    if said == "Invalid date or datetime":
        return pos, "not a real date or time; write it like 2026-11-23T14:05:00+01:00"
    if (said.startswith(("Illegal character ", "Found invalid character "))) and char:
        return pos, f"a control character (U+{ord(char):04X}) cannot be here; remove it"
    return None


def _given_twice(src: str, scan: _Scan, here: _Statement) -> str:
    """Words for a key (or table) given twice: both lines when the first is found."""
    earlier = scan.statements[: scan.statements.index(here)]
    if here.kind == "value":  # keys in the same table (each [[steps]] is a table of its own)
        pool = [(s, s.key) for s in earlier if s.kind == "value" and s.table == here.table]
    else:
        pool = [(s, scan.full_key(s)) for s in earlier]
    key = here.key
    above = [(s, k) for s, k in pool if key[: len(k)] == k]  # the same key, or a table it is in
    below = [(s, key) for s, k in pool if k[: len(key)] == key]  # a key inside it
    found = above[-1:] or below[:1]
    if not found:
        return f"`{here.name}` is given twice in the same table; keep one"
    first, name = found[0]
    lines = f"lines {_row_col(src, first.start)[0]} and {_row_col(src, here.start)[0]}"
    return f"`{'.'.join(name)}` is given twice ({lines}); keep one"


def _key_before(src: str, scan: _Scan, pos: int) -> str:
    """The key just before `pos` on its line (inside { } too)."""
    line = src[src.rfind("\n", 0, pos) + 1 : pos]
    if scan.open_at(pos, "{"):
        line = line[max(line.rfind("{"), line.rfind(",")) + 1 :]
    return line.strip()


def _value_words(
    src: str, scan: _Scan, pos: int, said: str, here: _Statement | None
) -> tuple[int, str] | None:
    """Invalid value, Unclosed array, Unclosed inline table: a missing value, ], } or comma, or
    text without quotes."""
    char = src[pos : pos + 1]
    line_start = src.rfind("\n", 0, pos) + 1
    key = here.name if here is not None and here.kind == "value" else ""
    if said == "Invalid value" and char in ("", "\n", "#") and src[line_start:pos].rstrip().endswith("="):
        return pos, f"`{key}` has no value; write one after the =, text in quotes"
    brackets = scan.open_at(pos, "[{")
    unclosed = [b for b in brackets if b.end is None]
    if unclosed:
        start = unclosed[-1].start
        row = _row_col(src, start)[0]
        # a list never closed runs on into the next lines: into a header or a key = value
        runs_on = row < _row_col(src, pos)[0] and _NEW_STATEMENT.match(src[line_start : _line_end(src, pos)])
        if not char or char == "\n" or runs_on:
            if unclosed[-1].opener == "[":
                return start, f"a list that starts on line {row} is never closed; end it with ]"
            return (
                start,
                f"a {{ }} table that starts on line {row} is never closed; end it with }} on its line",
            )
    if said != "Invalid value":
        what = "the items of a list" if said == "Unclosed array" else "the keys inside { }"
        before = _word(src, pos, inside=True)
        return pos, f"a comma is missing before `{before}`; separate {what} with commas"
    if brackets and char == ",":
        return pos, "there is an empty place between two commas; remove one"
    word = _word(src, pos, inside=bool(brackets))
    if not word:
        return None
    prefix = f"{key} = " if key and not brackets else ""
    if char in _CURLY_QUOTES:
        example = _quoted(word.strip(_CURLY_QUOTES))
        return pos, "curly quotes do not mark text; use straight ones" + (
            f": {prefix}{example}" if example else ""
        )
    if word.casefold() in ("true", "false"):
        return pos, f"write {word.casefold()} in small letters"
    if char.isalpha() or char == "_":
        example = _quoted(word)
        return pos, "text must be in quotes" + (f": write {prefix}{example}" if example else "")
    return pos, f"`{word}` is not a value; put text in quotes, and write numbers like 5 or 0.5"


def _word(src: str, pos: int, inside: bool) -> str:
    """What was written at `pos`: to the end of the line (less a comment), or in a list or
    table to the next , ] or }."""
    end = _line_end(src, pos)
    text = src[pos:end]
    if inside:
        text = re.split(r"[,\]}]", text)[0]
    text = text.split(" #")[0].strip()
    return text if len(text) <= 30 else text[:29].rstrip() + "…"


def _quoted(text: str) -> str | None:
    if '"' not in text and "\\" not in text:
        return f'"{text}"'
    if "'" not in text:
        return f"'{text}'"
    return None


def _after_value_words(src: str, pos: int, here: _Statement) -> tuple[int, str]:
    """More on a line after its value (or its header): text without quotes, or a second value."""
    rest = _word(src, pos, inside=False)
    if here.kind != "value":
        return (
            pos,
            f"only a # comment may follow [{here.name}] on its line; move `{rest}` to a line of its own",
        )
    if rest.startswith(","):
        return pos, (
            f"a comma follows the value of `{here.name}`; write each key = value on a line of its own, "
            "and lists in [ ]"
        )
    equals = src.find("=", here.start, pos)
    value = src[equals + 1 : pos].strip() if equals >= 0 else ""
    written = src[equals + 1 : _line_end(src, pos)].split(" #")[0].strip()
    if value[:1] in ('"', "'"):
        return pos, (
            f"`{rest}` comes after the closing quote of `{here.name}`; put the whole text inside the "
            "quotes, or start a comment with #"
        )
    example = _quoted(written) if "\n" not in value and len(written) <= 30 else None
    like = f", like {here.name} = {example}," if example else ""
    after = f"`{rest}` comes after the value of `{here.name}`"
    return pos, f"{after}; put text in quotes{like} or start a comment with #"


# -- checking data against a declaration ------------------------------------------------------
