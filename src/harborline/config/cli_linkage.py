"""`harborline linkage ...`: privacy-preserving record linkage (issue 17, decisions 0053-0055).

- `encode --secret-file SECRET --input PEOPLE.csv --output ENCODED.csv`: at the agency, a CSV
  of identifiers (id, first_name, last_name, dob, sex, zip, city; sex and city optional) to
  keyed, hardened Bloom-filter encodings and blocking tokens. The secret (at least 32 bytes)
  never leaves the agency.
- `link A.csv B.csv [C.csv ...] --output PAIRS.csv [--threshold 0.5]`: at the statistical
  center, from encodings only: id_l, id_r, source_l, source_r, probability (one-to-one between
  two files; across more, clusters with at most one record per file).

Neither needs Django nor a database. Exit 0 on success (dirty values are warned about and
counted on stderr, never fatal); 2 with one line per problem (file, row, column) when a file
or the secret cannot be used - nothing is written then.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

Command = Callable[..., argparse.ArgumentParser]


def _threshold(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not 0.0 < number < 1.0:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1 (exclusive): {value}")
    return number


def _problems(prog: str, problems: list[str]) -> int:
    for line in problems:
        print(f"{prog}: error: {line}", file=sys.stderr)
    return 2


def cmd_encode(args: argparse.Namespace) -> int:
    from harborline.linkage.encode import encode_file
    from harborline.linkage.problems import LinkageProblems

    prog = "harborline linkage encode"
    if Path(args.output).resolve() == Path(args.input).resolve():
        return _problems(prog, [f"{args.output}: the output would overwrite the input"])
    try:
        warnings = encode_file(Path(args.secret_file), Path(args.input), Path(args.output))
    except LinkageProblems as exc:
        return _problems(prog, exc.problems)
    for line in warnings.lines(Path(args.input).name):
        print(f"{prog}: {line}", file=sys.stderr)
    print(
        f"encoded {args.input} -> {args.output}"
        + (f" ({warnings.total} dirty value(s) warned about)" if warnings.total else "")
    )
    return 0


def cmd_link(args: argparse.Namespace) -> int:
    from harborline.linkage.link import link_paths
    from harborline.linkage.problems import LinkageProblems

    prog = "harborline linkage link"
    inputs = [Path(p) for p in args.files]
    if len(inputs) < 2:
        return _problems(prog, ["at least two encoded files are needed"])
    output = Path(args.output)
    if any(output.resolve() == p.resolve() for p in inputs):
        return _problems(prog, [f"{args.output}: the output would overwrite an input"])
    try:
        result = link_paths(
            inputs,
            output,
            threshold=args.threshold,
            explain=args.explain,
            clusters=Path(args.clusters) if args.clusters else None,
            existing=Path(args.existing) if args.existing else None,
        )
    except LinkageProblems as exc:
        return _problems(prog, exc.problems)
    for line in result.warnings.lines("link"):
        print(f"{prog}: {line}", file=sys.stderr)
    clusters = len(result.kept)
    print(
        f"linked {len(inputs)} files: {result.candidates} candidate pairs, "
        f"{clusters} pairs at or above {args.threshold} written to {args.output}"
    )
    return 0


def add_commands(command: Command, no_handler: Callable[[argparse.Namespace], int]) -> None:
    """Adds `linkage encode` and `linkage link` to `harborline`'s parser (config.cli imports
    this module, not the other way round)."""
    linkage = command(
        "linkage",
        no_handler,
        "Privacy-preserving record linkage: encode identifiers at an agency, link encodings "
        "at the statistical center.",
    )
    sub = linkage.add_subparsers(dest="linkage_command", metavar="{encode,link}", required=True)
    p = command(
        "encode",
        cmd_encode,
        "Encode a CSV of identifiers (id, first_name, last_name, dob, sex, zip, city) into "
        "keyed Bloom-filter encodings with a secret that never leaves the agency.",
        sub,
    )
    p.add_argument(
        "--secret-file", required=True, metavar="SECRET", help="the secret (>= 32 bytes)"
    )
    p.add_argument("--input", required=True, metavar="PEOPLE.csv", help="the identifiers")
    p.add_argument("--output", required=True, metavar="ENCODED.csv", help="the encodings")
    p = command(
        "link",
        cmd_link,
        "Link two or more encoded files: pairs of the same youth with their match probability.",
        sub,
    )
    p.add_argument("files", nargs="+", metavar="ENCODED.csv", help="files from `linkage encode`")
    p.add_argument("--output", required=True, metavar="PAIRS.csv", help="the pairs")
    p.add_argument(
        "--threshold",
        type=_threshold,
        default=0.5,
        help="lowest match probability kept (default 0.5)",
    )
    p.add_argument(
        "--clusters",
        metavar="CLUSTERS.csv",
        help="also write every record's cluster: cluster, source, id",
    )
    p.add_argument(
        "--existing",
        metavar="CLUSTERS.csv",
        help="incremental: the first file is new, the others were linked before into these "
        "clusters (from --clusters); only the new file is compared, its records join them",
    )
    p.add_argument(
        "--explain",
        action="store_true",
        help="add each field's match weight (bits) and whether names were swapped",
    )
