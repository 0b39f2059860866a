"""Decoding Chinese pages whose charset is declared wrongly or not at all."""

from pipeline.charset import decode_html, header_charset, meta_charset

TEXT = "东莞市道滘镇成立进口冷链食品疫情防控工作专班"


def page(charset_decl: str) -> str:
    return f"<html><head>{charset_decl}</head><body><p>{TEXT}</p></body></html>"


def test_gbk_bytes_labelled_utf8_in_header_are_decoded_as_gb18030() -> None:
    body = page("").encode("gb18030")
    text, charset = decode_html(body, "text/html; charset=utf-8")
    assert TEXT in text
    assert charset == "gb18030"


def test_gb2312_declaration_with_gbk_only_character_is_widened() -> None:
    body = page('<meta charset="gb2312">').encode("gb18030")
    assert "滘" in TEXT
    text, charset = decode_html(body, "text/html")
    assert TEXT in text
    assert charset == "gb18030"


def test_latin1_header_is_not_trusted() -> None:
    body = page("").encode("gb18030")
    text, _ = decode_html(body, "text/html; charset=ISO-8859-1")
    assert TEXT in text


def test_utf8_without_any_declaration() -> None:
    text, charset = decode_html(page("").encode("utf-8"), None)
    assert TEXT in text
    assert charset == "utf-8"


def test_declaration_helpers() -> None:
    assert header_charset("text/html; charset=GBK") == "gb18030"
    assert header_charset("text/html") is None
    assert meta_charset(b'<meta http-equiv="Content-Type" content="text/html; charset=gb2312">') \
        == "gb18030"
