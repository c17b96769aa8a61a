"""`storyline eval …`: measure storyline against gold data, one subcommand per gold set or
public benchmark (the scorers are in storyline/eval/), each printing a table or `--json`;
registered on the main group in cli.py."""

from __future__ import annotations

from pathlib import Path

import click

from storyline.cli_shared import json_option, out_console


@click.group("eval")
def eval_() -> None:
    """Measure storyline against gold data (tables, or --json)."""


@eval_.command("cleaning")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@json_option
def eval_cleaning(gold: Path, as_json: bool) -> None:
    """Titles, outlets, dates, boilerplate and story lines against a gold.json.

    Ingests the articles next to GOLD into a temporary store first.
    """
    from storyline.eval.cleaning import evaluate_cleaning
    from storyline.eval.table import print_result

    print_result(evaluate_cleaning(gold), as_json=as_json, console=out_console)


@eval_.command("extraction")
@click.argument(
    "data",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default="../shared/data/article_extraction_benchmark",
)
@click.option("--limit", type=int, default=None, help="Only the first N pages.")
@json_option
def eval_extraction(data: Path, limit: int | None, as_json: bool) -> None:
    """Main-text extraction F1 (4-gram shingles), ours beside trafilatura alone."""
    from storyline.eval.extraction import evaluate_extraction
    from storyline.eval.table import print_result

    print_result(evaluate_extraction(data, limit=limit), as_json=as_json, console=out_console)


@eval_.command("dates")
@click.argument(
    "data",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default="../shared/data/htmldate_eval",
)
@click.option("--limit", type=int, default=None, help="Only the first N pages.")
@json_option
def eval_dates(data: Path, limit: int | None, as_json: bool) -> None:
    """Publication-date accuracy on htmldate's evaluation set, ours beside htmldate alone."""
    from storyline.eval.dates import evaluate_dates
    from storyline.eval.table import print_result

    print_result(evaluate_dates(data, limit=limit), as_json=as_json, console=out_console)


@eval_.command("quotes")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@json_option
def eval_quotes(gold: Path, as_json: bool) -> None:
    """Quotes, speakers, quotes across outlets and entity variants against a gold.json,
    storyline beside textacy's direct_quotations.

    Runs the whole pipeline on the articles next to GOLD in a temporary store first.
    """
    from storyline.eval.quotes import evaluate_quotes
    from storyline.eval.table import print_result

    print_result(evaluate_quotes(gold), as_json=as_json, console=out_console)


@eval_.command("polnear")
@click.argument(
    "data",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default="../shared/data/polnear",
)
@click.option("--split", type=click.Choice(["dev", "test"]), default="test", show_default=True)
@click.option("--limit", type=int, default=None, help="Only the first N texts.")
@json_option
def eval_polnear(data: Path, split: str, limit: int | None, as_json: bool) -> None:
    """Speaker and content span P/R/F1 (strict and overlap) on PolNeAR, beside textacy."""
    from storyline.eval.polnear import evaluate_polnear
    from storyline.eval.table import print_result

    print_result(
        evaluate_polnear(data, split=split, limit=limit), as_json=as_json, console=out_console
    )


@eval_.command("clusters")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--limit", type=int, default=None, help="Only the first N gold articles.")
@json_option
def eval_clusters(gold: Path, limit: int | None, as_json: bool) -> None:
    """Stories, events (B-cubed, ARI) and duplicates (pair P/R) against a gold.json or a
    labelled JSONL (story_id, event_id, dup_group), beside e5+HDBSCAN and TF-IDF baselines.

    Runs the whole pipeline on the articles in a temporary store first.
    """
    from storyline.eval.clusters import evaluate_clusters
    from storyline.eval.table import print_result

    print_result(evaluate_clusters(gold, limit=limit), as_json=as_json, console=out_console)


@eval_.command("clusters-public")
@click.argument("name", type=click.Choice(["timeline17", "meantime"]))
@click.option(
    "--data",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="The set's folder (default ../shared/data/timeline17 or ../shared/data/meantime_en).",
)
@click.option("--limit", type=int, default=None, help="Articles (timeline17 default: 300).")
@json_option
def eval_clusters_public(name: str, data: Path | None, limit: int | None, as_json: bool) -> None:
    """Story/event clustering on a public set, storyline beside the two baselines."""
    from storyline.eval.clusters import evaluate_public
    from storyline.eval.table import print_result

    folder = data or Path("../shared/data") / ("meantime_en" if name == "meantime" else name)
    print_result(evaluate_public(name, folder, limit=limit), as_json=as_json, console=out_console)


@eval_.command("tempeval")
@click.option(
    "--data",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=Path("../shared/data/tempeval3"),
    show_default=True,
    help="The TempEval-3 folder.",
)
@click.option(
    "--split",
    default="te3-platinum",
    show_default=True,
    help="te3-platinum (the test set), TBAQ-cleaned/TimeBank or TBAQ-cleaned/AQUAINT.",
)
@click.option("--limit", type=int, default=None, help="Only the first N documents.")
@json_option
def eval_tempeval(data: Path, split: str, limit: int | None, as_json: bool) -> None:
    """Time expressions on TempEval-3: strict and relaxed span F1, value F1 and type accuracy,
    beside dateparser.search_dates and HeidelTime's published figures."""
    from storyline.eval.table import print_result
    from storyline.eval.tempeval import evaluate_tempeval

    result = evaluate_tempeval(data, limit=limit, split=split)
    print_result(result, as_json=as_json, console=out_console)


@eval_.command("timeline")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@json_option
def eval_timeline(gold: Path, as_json: bool) -> None:
    """Story timelines against a gold.json's timeline: entry recall and precision, source
    recall, date value accuracy, distractors placed (--json adds every gold entry's match or
    nearest candidate)."""
    from storyline.eval.table import print_result
    from storyline.eval.timeline import evaluate_timeline

    print_result(evaluate_timeline(gold), as_json=as_json, console=out_console)


@eval_.command("timeline17")
@click.option(
    "--data",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=Path("../shared/data/timeline17"),
    show_default=True,
    help="The timeline17 folder.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=None,
    help="At most N articles per topic (a fixed-seed sample; default: a cap that runs in a"
    " few minutes); 0 reads them all.",
)
@json_option
def eval_timeline17(data: Path, limit: int | None, as_json: bool) -> None:
    """Date selection on timeline17: date F1 of the days our timelines mention most, beside
    HeidelTime's dates and news-tls's published figure."""
    from storyline.eval.table import print_result
    from storyline.eval.timeline import DEFAULT_TOPIC_CAP, evaluate_timeline17

    cap = DEFAULT_TOPIC_CAP if limit is None else limit or None
    result = evaluate_timeline17(data, cap)
    print_result(result, as_json=as_json, console=out_console)


@eval_.command("compare")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@json_option
def eval_compare(gold: Path, as_json: bool) -> None:
    """Disagreements (found, right sides, change over time), framing rows and figures against
    a gold.json like the seeds'. Runs the whole pipeline on the gold's folder first."""
    from storyline.eval.compare import evaluate_compare
    from storyline.eval.table import print_result

    print_result(evaluate_compare(gold), as_json=as_json, console=out_console)
