"""What running a review will cost, before it runs: tokens counted once per file and model (cached),
priced as the requests will be sent (the file's first question writes the document to the cache, the
others read it), at the batch discount beside the interactive price."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

from assistant.api.errors import ApiFailure, to_failure
from assistant.catalog import FileRecord
from assistant.catalog.review_records import CellKey, Question
from assistant.review.answers import instruction
from assistant.review.base import ServiceBase, over_context_reason
from assistant.review.cells import BATCH_DISCOUNT
from assistant.review.records import FileEstimate, ReviewEstimate
from assistant.review.requests import REVIEW_SYSTEM, cell_params, gone_reason

__all__ = ["TYPICAL_ANSWER_TOKENS", "Estimating"]

TYPICAL_ANSWER_TOKENS = 150
"""A typed answer: its value line and a sentence or two with a quote (the price assumes this many)."""
_MILLION = 1_000_000


class Estimating(ServiceBase):
    def _counts(self) -> dict[tuple[Any, ...], int]:
        return self._token_cache

    def _count(self, key: tuple[Any, ...], params: dict[str, Any]) -> int:
        counts = self._counts()
        if key in counts:
            return counts[key]
        try:
            tokens = int(self._client.messages.count_tokens(**params).input_tokens)
        except Exception as exc:
            raise to_failure(exc) from None
        with self._token_lock:
            counts[key] = tokens
        return tokens

    def file_tokens(self, record: FileRecord, model: str) -> int:
        """The system prompt and the document (the prefix every question of the file shares)."""
        probe = Question(0, 0, "?")
        params = cell_params(model, record, probe, max_tokens=1)
        params["messages"][0]["content"][1] = {"type": "text", "text": "?"}
        del params["max_tokens"]
        return self._count(("file", record.id, record.file_id, model), params)

    def question_tokens(self, question: Question, model: str) -> int:
        """The question with its instruction, beyond a one-character question."""

        def text(t: str) -> dict[str, Any]:
            return {"model": model, "system": REVIEW_SYSTEM, "messages": [{"role": "user", "content": t}]}

        base = self._count(("base", model), text("?"))
        full = self._count(("question", question.spec, model), text(instruction(question)))
        return max(0, full - base)

    def context_window(self, model: str) -> int | None:
        """The model's input limit (GET /v1/models/{model}); None when not known."""
        counts = self._counts()
        key = ("context", model)
        if key not in counts:
            try:
                info = self._client.models.retrieve(model)
                counts[key] = int(getattr(info, "max_input_tokens", None) or 0)
            except Exception:
                return None
        return counts[key] or None

    def estimate(
        self, review_id: int, cells: Sequence[CellKey] | None = None, *, offline: bool = False
    ) -> ReviewEstimate:
        """What running ``cells`` (None: every cell not answered yet) will cost: count_tokens once per
        file and model (cached), plus each question's own tokens; batch price beside interactive price.
        ``offline`` (or counting failed): tokens guessed from file sizes, no prices."""
        review = self._review(review_id)
        self._runnable(review)
        keys = self._keys(review, cells)
        records = self._records(review)
        questions = {q.id: q for q in review.questions}
        by_file: dict[int, list[Question]] = {}
        for key in keys:
            by_file.setdefault(key.file_row_id, []).append(questions[key.question_id])
        counted = not offline
        notes: list[str] = []
        limit = None if offline else self.context_window(review.model)
        files: list[FileEstimate] = []
        skipped: list[CellKey] = []
        priced: list[tuple[int, list[int]]] = []  # (prefix tokens, question tokens) per file
        for row_id, asked in by_file.items():
            record = records.get(row_id)
            why = gone_reason(record)
            if why is not None or record is None:
                files.append(FileEstimate(row_id, None, problem=why))
                skipped.extend(CellKey(row_id, q.id) for q in asked)
                continue
            prefix: int | None = None
            q_tokens = [len(instruction(q)) // 4 for q in asked]
            if counted:
                try:
                    prefix = self.file_tokens(record, review.model)
                    q_tokens = [self.question_tokens(q, review.model) for q in asked]
                except ApiFailure as failure:
                    counted = False
                    notes.append(f"Tokens could not be counted ({failure.message}); figures are guesses.")
            if prefix is None:
                prefix = max(1, record.size_bytes // 4)
            if limit is not None and prefix + max(q_tokens) + self._max_tokens > limit:
                problem = over_context_reason(record, prefix, review.model, limit)
                files.append(FileEstimate(row_id, prefix, True, problem))
                skipped.extend(CellKey(row_id, q.id) for q in asked)
                continue
            files.append(FileEstimate(row_id, prefix))
            priced.append((prefix, q_tokens))
        images = sum(1 for f in files if (r := records.get(f.file_row_id)) is not None and r.is_image)
        if images:
            notes.append(
                "1 image is read as an image: no citations."
                if images == 1
                else f"{images} images are read as images: no citations."
            )
        requests = sum(len(q) for _, q in priced)
        input_tokens = sum(p * len(q) + sum(q) for p, q in priced)
        batch_usd, interactive_usd, price_known = self._prices_of(review.model, priced, counted)
        parts, split_note = self._parts_of(review.model, records, keys, skipped, questions)
        return ReviewEstimate(
            requests=requests,
            input_tokens=input_tokens,
            output_tokens=requests * self._max_tokens,
            batch_usd=batch_usd,
            interactive_usd=interactive_usd,
            counted=counted,
            price_known=price_known,
            batches=parts,
            split_note=split_note,
            files=tuple(files),
            skipped=tuple(skipped),
            notes=tuple(notes),
        )

    def _prices_of(
        self, model: str, priced: list[tuple[int, list[int]]], counted: bool
    ) -> tuple[float | None, float | None, bool]:
        price = self.prices.price_for(model)
        if price is None or not counted:
            return None, None, price is not None
        minimum = self.prices.min_cache_tokens(model)
        batch = interactive = 0.0
        for prefix, q_tokens in priced:
            n = len(q_tokens)
            plain = (
                sum(q_tokens) * price.input + n * min(TYPICAL_ANSWER_TOKENS, self._max_tokens) * price.output
            )
            if prefix >= minimum:
                reads = (n - 1) * prefix * price.cache_read
                interactive += prefix * price.cache_write_5m + reads + plain
                batch += prefix * price.cache_write_1h + reads + plain
            else:
                interactive += n * prefix * price.input + plain
                batch += n * prefix * price.input + plain
        return batch * BATCH_DISCOUNT / _MILLION, interactive / _MILLION, True

    def _parts_of(
        self,
        model: str,
        records: dict[int, FileRecord | None],
        keys: list[CellKey],
        skipped: list[CellKey],
        questions: dict[int, Question],
    ) -> tuple[int, str | None]:
        left = set(skipped)
        sizes = []
        for key in keys:
            record = records.get(key.file_row_id)
            if key in left or record is None:
                continue
            try:
                params = cell_params(model, record, questions[key.question_id], max_tokens=self._max_tokens)
            except ApiFailure:
                continue
            sizes.append(len(json.dumps(params)) + 64)
        parts = max(
            math.ceil(len(sizes) / self.max_batch_requests) if sizes else 1,
            math.ceil(sum(sizes) / self.max_batch_bytes) if sizes else 1,
        )
        return parts, split_note(len(sizes), parts, self.max_batch_requests)


def split_note(requests: int, parts: int, max_requests: int) -> str | None:
    if parts <= 1:
        return None
    return (
        f"{requests:,} requests are more than one batch can take ({max_requests:,} requests or 256 MB): "
        f"they are sent as {parts} batches."
    )
