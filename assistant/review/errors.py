"""The review's typed errors: an ``ApiFailure`` (so the bridge delivers it as it is) with a ``problem``."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from assistant.api.errors import ApiFailure, FailureKind

__all__ = ["ReviewError", "ReviewProblem"]


class ReviewProblem(StrEnum):
    EMPTY_QUESTION = "empty_question"  # a question with no text (or a category question without categories)
    NO_QUESTIONS = "no_questions"  # nothing to ask
    NO_FILES = "no_files"  # a review with no files
    NO_REVIEW = "no_review"  # the review (or question, batch) no longer exists
    DUPLICATE_NAME = "duplicate_name"  # (not raised: a question set saved under a used name replaces it)
    FILE_TOO_LARGE = "file_too_large"  # a file over the model's context window
    NO_FILE_USABLE = "no_file_usable"  # every file of the review is gone, or cannot be read by the model
    REJECTED = "rejected"  # the API refused the batch (400): nothing was sent; the cells say why
    PERMISSION = "permission"  # the key may not use batches (403 permission_error)
    NETWORK = "network"  # no answer from the API (polling: the batch goes on; poll again later)
    NOT_ENDED = "not_ended"  # results asked for before the batch ended
    API = "api"  # any other API failure (``kind`` says which)


@dataclass(eq=False)
class ReviewError(ApiFailure):
    """What failed, why and what to do (``message``); nothing the user wrote is lost by it."""

    problem: ReviewProblem = ReviewProblem.API

    @classmethod
    def local(cls, problem: ReviewProblem, message: str) -> ReviewError:
        return cls(FailureKind.LOCAL, message, problem=problem)
