from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from annotations import importers
from annotations.claims import claim_create
from annotations.importers import FAILED, IMPORTED, UNCHANGED, UPDATED, import_bytes, import_paths
from annotations.models import Article
from tests.conftest import SEEDS

pytestmark = pytest.mark.django_db


def seed(prefix: str) -> Path:
    return next(SEEDS.glob(f"{prefix}_*.txt"))


def test_seed_000_title_subtitle_source_and_boilerplate(seed_articles):
    a = seed_articles["000"]
    assert a.title == (
        "Foreign Media: Chinese Enterprises Accelerate Layout of High-end Chips, "
        "NVIDIA CEO Jensen Huang Expresses Concern"
    )
    assert a.subtitle.startswith("Foreign media: Chinese enterprises are increasing efforts")
    assert a.source_url == "https://www.toutiao.com/article/1831301757372428/"
    assert a.publisher == "toutiao.com"
    assert a.published_at is None  # the Time: lines belong to related links
    for noise in ["[Image]", "Original article:", "Disclaimer:", "Related Links", "Time:"]:
        assert noise not in a.body
    assert a.body.endswith("developing rapidly in the technology sector.")
    assert "Time:2025-05-05 23:35:03" in a.raw_text


def test_seed_001_headline_and_lone_bar(seed_articles):
    a = seed_articles["001"]
    assert a.title.startswith("Can China not make AI chips? Huang Renxun")
    assert a.subtitle.startswith("Huang Renxun: China Lags Behind US")
    assert a.source_url == ""
    assert not any(line.strip() == "|" for line in a.body.split("\n"))
    assert a.raw_text.endswith("|")


def test_seed_002_title_from_first_sentence_and_comment_prompts(seed_articles):
    a = seed_articles["002"]
    assert a.title.startswith("Beijing is intensifying its push for Chinese companies")
    assert len(a.title) <= 101 and a.title.endswith("…")
    assert not a.title[:-1].endswith(" ")  # cut at a word boundary
    assert "Comments" not in a.body.split("\n")
    assert "Post a Comment" not in a.body


def test_seed_003_byline_source_and_statement(seed_articles):
    a = seed_articles["003"]
    assert a.byline == "Observers Network, Qi Qian"
    assert a.title.startswith("Recently, NVIDIA CEO Huang Renxun has been speaking frequently")
    assert a.source_url == "https://www.toutiao.com/article/7570185167278326299/"
    for noise in ["【", "Text by", "exclusive piece", "Original:", "Statement:"]:
        assert noise not in a.body
    # blank-line paragraphs become one paragraph per line
    assert "\n\n" not in a.body
    assert len(a.body.split("\n")) == 18


def test_seed_004_advertisements_out_and_glued_sentences_kept(seed_articles):
    a = seed_articles["004"]
    assert a.title.startswith("In the world of artificial intelligence")
    assert "Advertisements" not in a.body
    assert "keep upAt the forefront" in a.body  # reviewers annotate the text as it is


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_raw_text_is_the_file_byte_for_byte(seed_articles, prefix):
    article = seed_articles[prefix]
    data = seed(prefix).read_bytes()
    assert article.raw_text.encode("utf-8") == data
    assert article.origin == seed(prefix).name


def test_importing_again_changes_nothing(seed_articles):
    before = list(Article.objects.values_list("id", "content_hash", "imported_at"))
    summary = import_paths([SEEDS])
    assert [r.status for r in summary.results] == [UNCHANGED] * 5
    assert str(summary) == "imported 0, unchanged 5, failed 0"
    assert list(Article.objects.values_list("id", "content_hash", "imported_at")) == before


def test_changed_file_with_same_origin_is_refused_without_update(seed_articles):
    result = import_bytes(b"A new headline\nNew body text.", origin=seed("002").name)
    assert result.status == FAILED
    assert "use --update" in result.message
    assert seed_articles["002"].title == Article.objects.get(origin=seed("002").name).title


def test_update_replaces_an_article_without_claims(seed_articles):
    result = import_bytes(b"A new headline\nNew body.\nMore.", origin=seed("002").name, update=True)
    assert result.status == UPDATED
    article = Article.objects.get(pk=seed_articles["002"].pk)
    assert article.title == "A new headline"


def test_update_of_an_article_with_claims_keeps_both_revisions(seed_articles, reviewer):
    article = seed_articles["002"]
    old_body = article.body
    claim_create(article=article, user=reviewer, start=0, end=7, text="x")
    result = import_bytes(b"Other text\nbody\nmore", origin=article.origin, update=True)
    assert result.status == UPDATED
    assert result.message == "revision 2; claims: 0 anchored, 0 fuzzy, 1 orphaned"
    article.refresh_from_db()
    assert article.body == "Other text\nbody\nmore"
    assert [r.body for r in article.revisions.order_by("number")] == [old_body, article.body]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", importers.EMPTY_FILE),
        (b"  \n\n \t", importers.EMPTY_FILE),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", importers.BINARY_FILE),
        (b"Caf\xe9 au lait is a claim.", "not UTF-8 text (byte 3"),
        (b"Advertisements\nComments\n|", importers.NO_TEXT),
    ],
)
def test_bad_input_fails_with_a_reason_and_writes_nothing(data, reason):
    result = import_bytes(data, origin="bad.txt")
    assert result.status == FAILED
    assert reason in result.message
    assert not Article.objects.exists()


def test_a_file_over_the_size_limit_is_refused(settings, tmp_path):
    settings.FACTCHECK_IMPORT_MAX_BYTES = 100
    big = tmp_path / "big.txt"
    big.write_text("Headline\n" + "word " * 50)
    summary = import_paths([big])
    assert summary.results[0].status == FAILED
    assert "over the 100-byte limit" in summary.results[0].message
    assert not Article.objects.exists()


def test_command_imports_good_files_reports_bad_ones_and_exits_non_zero(tmp_path, capsys):
    (tmp_path / "good.txt").write_text("A headline\nSome text here.\nMore text.")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "latin1.txt").write_bytes(b"caf\xe9")
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_articles", str(tmp_path), str(tmp_path / "missing.txt"))
    assert exit_info.value.code == 1
    out, err = capsys.readouterr()
    assert "empty.txt: the file is empty" in err
    assert "latin1.txt: the file is not UTF-8 text" in err
    assert "missing.txt: no such file or folder" in err
    assert out.strip().endswith("imported 1, unchanged 0, failed 3")
    assert Article.objects.get().origin == "good.txt"


def test_command_succeeds_and_summarises(capsys):
    call_command("import_articles", str(SEEDS))
    out = capsys.readouterr().out
    assert out.strip().endswith("imported 5, unchanged 0, failed 0")
    assert out.count(f"{IMPORTED}: ") == 5


def test_command_shows_progress_for_large_imports(tmp_path, capsys):
    for i in range(101):
        (tmp_path / f"{i:03}.txt").write_text(f"Headline {i}\nBody text number {i}.\nMore.")
    call_command("import_articles", str(tmp_path))
    assert "… 100 files, imported 100" in capsys.readouterr().err


def test_command_unknown_user_is_a_clear_error():
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        call_command("import_articles", str(SEEDS), user="nobody")


def test_crlf_and_bom_are_kept_in_raw_text_but_not_in_body():
    data = "\ufeffHeadline here\r\nFirst paragraph.\r\nSecond paragraph.".encode()
    result = import_bytes(data, origin="crlf.txt")
    assert result.status == IMPORTED
    article = result.article
    assert article.raw_text.encode() == data
    assert article.title == "Headline here"
    assert "\r" not in article.body and "\ufeff" not in article.body


def test_same_content_under_another_name_is_unchanged(seed_articles):
    result = import_bytes(seed("001").read_bytes(), origin="copy.txt")
    assert result.status == UNCHANGED
    assert "same content as 001_" in result.message
    assert Article.objects.count() == 5


def test_a_failure_inside_the_transaction_leaves_no_partial_article(monkeypatch):
    real_result = importers.ImportResult

    def fail_after_the_insert(origin, status, *args):
        assert Article.objects.filter(origin=origin).exists()  # the row was written…
        raise RuntimeError("killed midway")

    monkeypatch.setattr(importers, "ImportResult", fail_after_the_insert)
    with pytest.raises(RuntimeError):
        import_bytes(b"Headline\nBody text.\nMore.", origin="x.txt")
    monkeypatch.setattr(importers, "ImportResult", real_result)
    assert not Article.objects.exists()  # …and rolled back with the transaction


def test_captions_are_marked(seed_articles):
    from annotations.publishing.paragraphs import classify_paragraph

    a = seed_articles["001"]
    kinds = {text[:20]: classify_paragraph(a, off, text) for off, text in a.paragraphs()}
    assert kinds[a.title[:20]] == "headline"
    assert kinds[a.subtitle[:20]] == "subtitle"
    assert kinds["Jensen Huang was int"] == "caption"
    assert list(kinds.values()).count("caption") == 1
    b = seed_articles["003"]
    captions = [t for o, t in b.paragraphs() if classify_paragraph(b, o, t) == "caption"]
    assert captions == [
        "On November 5, in London, UK, Huang Renxun attended the Elizabeth Queen "
        "Engineering Award reception. Oriental IC"
    ]
