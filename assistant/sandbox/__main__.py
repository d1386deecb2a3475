"""python -m assistant.sandbox: serve the local Anthropic API sandbox until stopped."""

from __future__ import annotations

import argparse
import ipaddress
import logging
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from assistant.sandbox import faults as faults_module
from assistant.sandbox.faults import FaultPlan, FaultSpecError
from assistant.sandbox.server import DEFAULT_API_KEY, SandboxServer


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m assistant.sandbox",
        description="A local server that speaks the Anthropic API (Files, Messages with streaming and\n"
        "citations, token counting, models, message batches) for tests, benchmarks and offline use.\n"
        "Its answers quote your documents; they do not come from Claude. It prints its base URL as\n"
        "the first line of its output, then serves until stopped (Ctrl-C or SIGTERM).",
        epilog="Fault specs:\n" + (faults_module.__doc__ or "").split("\n", 2)[2],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1, loopback)")
    parser.add_argument("--port", type=int, default=0, help="port (default: 0, a free port)")
    parser.add_argument("--data-dir", default=None, help="files and batches persist here (default: temp dir)")
    parser.add_argument("--api-key", default=DEFAULT_API_KEY, help=f"the key (default: {DEFAULT_API_KEY})")
    parser.add_argument("--faults", default=None, metavar="SPEC", help="faults to inject (see below)")
    parser.add_argument(
        "--tokens-per-second",
        type=float,
        default=None,
        metavar="N",
        help="throttle streamed answers to N output tokens per second (default: unthrottled)",
    )
    parser.add_argument(
        "--max-file-size", type=int, default=None, metavar="BYTES", help="per-file limit (default: 500 MB)"
    )
    parser.add_argument(
        "--storage-quota", type=int, default=None, metavar="BYTES", help="organisation quota (default: 1 TB)"
    )
    parser.add_argument(
        "--batch-pace",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="process one batch request every SECONDS (default: 0, as fast as possible)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log every request to stderr")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.faults:
        try:
            FaultPlan(args.faults)
        except FaultSpecError as exc:
            parser.error(str(exc))
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING, stream=sys.stderr)
    server = SandboxServer(
        data_dir=args.data_dir,
        api_key=args.api_key,
        host=args.host,
        port=args.port,
        faults=args.faults,
        tokens_per_second=args.tokens_per_second,
        batch_pace=args.batch_pace,
    )
    if args.max_file_size is not None:
        server.max_file_size = args.max_file_size
    if args.storage_quota is not None:
        server.storage_quota = args.storage_quota
    try:
        server.start()
    except OSError as exc:
        print(f"cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    print(server.base_url, flush=True)
    where = "loopback only" if _is_loopback(args.host) else "NOT loopback: reachable from other machines"
    print(
        f"Anthropic API sandbox on {args.host}:{server.port} ({where}); data in {server.data_dir}; "
        f"API key {server.api_key}. Ctrl-C stops it.",
        file=sys.stderr,
        flush=True,
    )
    if not _is_loopback(args.host):
        print(f"warning: the sandbox listens on {args.host}, not on loopback.", file=sys.stderr, flush=True)
    stopped = threading.Event()

    def _stop(signum: int, frame: FrameType | None) -> None:
        stopped.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        while not stopped.wait(0.5):
            pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
