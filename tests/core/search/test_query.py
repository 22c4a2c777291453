"""How typed text becomes index queries."""

from __future__ import annotations

from cmdesk.core.search.query import match_word, parse, split_words


def test_numbers_typed_with_separators_are_one_word() -> None:
    assert split_words("1-2345-67890-12-1") == ["1234567890121"]
    assert split_words(" ๑ ๒๓๔๕ ") == ["12345"]  # Thai digits read as digits
    assert split_words("สมชาย  ใจดี") == ["สมชาย", "ใจดี"]
    number = parse("2569-0007").words[0].text_expr or ""
    assert '"25690007"' in number and '"2569-0007"' in number


def test_short_words_use_word_prefixes_and_long_ones_trigrams() -> None:
    short = match_word("สม")
    assert short is not None and short.word_expr == 'words : "สม" *'
    long = match_word("สมชาย")
    assert long is not None and long.word_expr is None
    assert (long.text_expr or "").startswith('body : "สมชาย"')


def test_tone_marks_fold_and_quotes_stay_inside_the_phrase() -> None:
    assert match_word("น้ำ") == match_word("นำ")
    quoted = match_word('ab"c')
    assert quoted is not None and 'body : "ab""c"' in (quoted.text_expr or "")


def test_group_names_and_their_beginnings_but_not_inner_substrings() -> None:
    assert 'codes : "|eth:akha|"' in (match_word("อีก้อ").text_expr or "")
    assert 'codes : "|eth:hmong|"' in (match_word("ม้ง").text_expr or "")  # 2 letters, whole
    assert "eth:northern_thai" not in (match_word("ana").text_expr or "")  # inside "Lanna"
    assert "eth:" in (match_word("lah").text_expr or "")  # beginning of Lahu
