from core.text import pinyin_key, render_markdown


def test_markdown_is_rendered_and_script_removed():
    html = render_markdown("**bold** <script>alert(1)</script> [x](javascript:alert(1)) 中文")

    assert "<strong>bold</strong>" in html
    assert "<script" not in html
    assert "javascript:" not in html
    assert "中文" in html


def test_pinyin_key_orders_chinese_names_by_reading():
    names = ["深圳", "北京", "成都", "广州", "上海", "天津"]

    assert sorted(names, key=pinyin_key) == ["北京", "成都", "广州", "上海", "深圳", "天津"]
