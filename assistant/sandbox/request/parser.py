"""Parsing a Messages (or count_tokens) request body into a `Request`, with the API's 400s.

The body has passed `validate.validate_message_request` (model, max_tokens, a non-empty messages list,
no temperature/top_p/top_k). Each block of the prompt (tools, system, messages, in that order) becomes a
`Unit` with its canonical key (for prompt-cache hashing), tokens and breakpoint; documents and images are
read by `sources.SourceReader`; the question is the text of the last user message.
"""

from __future__ import annotations

import json

from assistant.sandbox.reading.text import count_tokens
from assistant.sandbox.request.fields import bad, cache_ttl, text_of, without_cache_control
from assistant.sandbox.request.records import (
    BLOCK_TOKENS,
    MESSAGE_TOKENS,
    SYSTEM_TOKENS,
    TOOLS_TOKENS,
    Request,
    Unit,
)
from assistant.sandbox.request.sources import SourceReader
from assistant.sandbox.storage import FileResolver

_NOT_CACHEABLE = frozenset({"thinking", "redacted_thinking"})
_PASSIVE_TYPES = frozenset(
    {
        "tool_use",
        "tool_result",
        "thinking",
        "redacted_thinking",
        "search_result",
        "server_tool_use",
        "web_search_tool_result",
        "container_upload",
    }
)
_KNOWN_TYPES = ("text", "image", "document", *sorted(_PASSIVE_TYPES))


def _canonical(value: object) -> bytes:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8", errors="surrogatepass")  # JSON may carry lone surrogates


class _Parser:
    """One request body into a `Request`: tools, system, messages, then the request-wide rules."""

    def __init__(self, body: dict[str, object], resolve: FileResolver) -> None:
        self.body = body
        model = body.get("model")
        self.request = Request(model=model if isinstance(model, str) else "")
        self.sources = SourceReader(self.request, resolve)

    # -- sections --

    def parse(self) -> Request:
        self._tools()
        self._system()
        self._messages()
        self._automatic_cache()
        self._check_breakpoints()
        self._check_citations()
        return self.request

    def _add(self, key: object, tokens: int, ttl: str | None, path: str, cacheable: bool = True) -> None:
        self.request.units.append(Unit(_canonical(key), tokens, ttl, cacheable, path))

    def _tools(self) -> None:
        tools = self.body.get("tools")
        if tools is None:
            return
        if not isinstance(tools, list):
            raise bad("tools: Input should be a valid list")
        for i, tool in enumerate(tools):
            path = f"tools.{i}"
            if not isinstance(tool, dict):
                raise bad(f"{path}: Input should be a valid dictionary")
            bare = without_cache_control(tool)
            tokens = count_tokens(json.dumps(bare, sort_keys=True, ensure_ascii=False))
            tokens += TOOLS_TOKENS if i == 0 else 0
            self._add({"at": "tool", "tool": bare}, tokens, cache_ttl(tool.get("cache_control"), path), path)

    def _system(self) -> None:
        system = self.body.get("system")
        if system is None or system == "":
            return
        if isinstance(system, str):
            blocks: list[object] = [{"type": "text", "text": system}]
        elif isinstance(system, list):
            blocks = list(system)
        else:
            raise bad("system: Input should be a valid string or a list of text blocks")
        for j, block in enumerate(blocks):
            path = f"system.{j}"
            if not isinstance(block, dict) or block.get("type") != "text":
                raise bad(f"{path}: system content blocks must be text blocks")
            text = text_of(block.get("text"), f"{path}.text")
            if not text.strip():
                raise bad(f"{path}.text: text content blocks must contain non-whitespace text")
            tokens = count_tokens(text) + BLOCK_TOKENS + (SYSTEM_TOKENS if j == 0 else 0)
            key = {"at": "system", "text": text}
            self._add(key, tokens, cache_ttl(block.get("cache_control"), f"{path}.cache_control"), path)

    def _messages(self) -> None:
        messages = self.body.get("messages")
        if not isinstance(messages, list) or not messages:
            raise bad("messages: at least one message is required")
        last_user = -1
        for i, message in enumerate(messages):
            path = f"messages.{i}"
            if not isinstance(message, dict):
                raise bad(f"{path}: Input should be a valid dictionary")
            role = message.get("role")
            if role not in ("user", "assistant"):
                raise bad(f"{path}.role: Input should be 'user' or 'assistant'")
            if i == 0 and role != "user":
                raise bad('messages: first message must use the "user" role')
            if role == "user":
                last_user = i
        for i, message in enumerate(messages):
            assert isinstance(message, dict)
            self._message(i, message, is_final=i == len(messages) - 1, is_question=i == last_user)

    def _message(self, i: int, message: dict[str, object], *, is_final: bool, is_question: bool) -> None:
        path = f"messages.{i}"
        role = str(message.get("role"))
        content = message.get("content")
        if isinstance(content, str):
            blocks: list[object] = [{"type": "text", "text": content}] if content else []
        elif isinstance(content, list):
            blocks = list(content)
        else:
            raise bad(f"{path}.content: Input should be a valid string or a list of content blocks")
        if not blocks:
            if is_final and role == "assistant":
                return
            raise bad(
                f"{path}: all messages must have non-empty content except for the optional final "
                "assistant message"
            )
        question: list[str] = []
        for j, block in enumerate(blocks):
            block_path = f"{path}.content.{j}"
            if not isinstance(block, dict):
                raise bad(f"{block_path}: Input should be a valid dictionary")
            kind = block.get("type")
            first = j == 0
            overhead = MESSAGE_TOKENS if first else 0
            if kind == "text":
                text = self._text_block(block, block_path, role, is_final and role == "assistant")
                question.append(text)
                key: dict[str, object] = {"role": role, "first": first, "text": text}
                tokens = overhead + BLOCK_TOKENS + count_tokens(text)
            elif kind == "document":
                if role != "user":
                    raise bad(f"{block_path}: document blocks are only allowed in user messages")
                tokens = overhead + self.sources.document(block, block_path)
                key = {"role": role, "first": first, "block": without_cache_control(block)}
            elif kind == "image":
                tokens = overhead + self.sources.image(block, block_path)
                key = {"role": role, "first": first, "block": without_cache_control(block)}
            elif kind in _PASSIVE_TYPES:
                bare = without_cache_control(block)
                key = {"role": role, "first": first, "block": bare}
                tokens = overhead + BLOCK_TOKENS + count_tokens(json.dumps(bare, ensure_ascii=False))
            else:
                expected = ", ".join(f"'{t}'" for t in _KNOWN_TYPES)
                raise bad(
                    f"{block_path}: Input tag '{kind}' found using 'type' does not match any of the "
                    f"expected tags: {expected}"
                )
            ttl = cache_ttl(block.get("cache_control"), f"{block_path}.cache_control")
            cacheable = kind not in _NOT_CACHEABLE
            if ttl and not cacheable:
                raise bad(f"{block_path}.cache_control: cache_control cannot be set on {kind} blocks")
            self._add(key, tokens, ttl, block_path, cacheable)
        if is_question:
            self.request.question = "\n".join(q for q in question if q)

    def _text_block(self, block: dict[str, object], path: str, role: str, prefill: bool) -> str:
        text = text_of(block.get("text"), f"{path}.text")
        if not text.strip() and not prefill:
            raise bad(f"{path}.text: text content blocks must contain non-whitespace text")
        if prefill and text != text.rstrip():
            raise bad("messages: final assistant content cannot end with trailing whitespace")
        citations = block.get("citations")
        if citations is not None:
            if not isinstance(citations, list):
                raise bad(f"{path}.citations: Input should be a valid list")
            if citations and role == "user":
                raise bad(f"{path}.citations: text blocks in user messages cannot have citations")
        return text

    # -- request-wide rules --

    def _automatic_cache(self) -> None:
        ttl = cache_ttl(self.body.get("cache_control"), "cache_control")
        if ttl is None:
            return
        for unit in reversed(self.request.units):
            if unit.cacheable:
                if unit.ttl is None:
                    unit.ttl = ttl
                return

    def _check_breakpoints(self) -> None:
        ttls = [u.ttl for u in self.request.units if u.ttl]
        if len(ttls) > 4:
            raise bad(f"A maximum of 4 blocks with cache_control may be provided. Found {len(ttls)}.")
        if "5m" in ttls and "1h" in ttls[ttls.index("5m") :]:
            raise bad(
                "A ttl='1h' cache_control block must not come after a ttl='5m' cache_control block. Note "
                "that blocks are processed in the following order: `tools`, `system`, `messages`."
            )

    def _check_citations(self) -> None:
        flags = {enabled for _, enabled in self.sources.citation_flags}
        if len(flags) > 1:
            off = [p for p, enabled in self.sources.citation_flags if not enabled]
            raise bad(
                "Citations must be enabled on all documents or on none of them; they are not enabled on "
                + ", ".join(off)
            )


def parse_request(body: dict[str, object], resolve: FileResolver) -> Request:
    """The parsed request; ApiError(400, ...) for content the API rejects, the resolver's 404s propagate."""
    return _Parser(body, resolve).parse()


def count_request_tokens(body: dict[str, object], resolve: FileResolver) -> int:
    """input_tokens for POST /v1/messages/count_tokens (same validation as plan_message, no cache effects)."""
    return parse_request(body, resolve).total_tokens
