"""Content words, keywords and topics on a small corpus with two clear subjects."""

from __future__ import annotations

from parley.analytics.mining.topics import content_words, keywords, topic_model

REFUNDS = [
    "我要申请退款，订单退款什么时候到账",
    "退款一直没有到账，订单已经取消",
    "取消订单以后退款多久到账",
    "申请退款被拒绝了，订单怎么办",
]
DELIVERY = [
    "快递还没有送到，物流信息不更新",
    "物流太慢了，快递员电话打不通",
    "包裹显示已签收但是快递没收到",
    "物流停在上海三天了，快递什么时候到",
]


def test_content_words_keep_nouns_verbs_and_names_only() -> None:
    words = content_words("我在上海申请了退款，但是快递员很慢的呢")

    assert {"上海", "申请", "退款", "快递"} <= set(words)
    assert not {"我", "在", "了", "但是", "的", "呢", "很"} & set(words)


def test_english_words_are_lower_cased_without_stop_words() -> None:
    assert content_words("Where is my Refund? The parcel is late") == [
        "refund",
        "parcel",
        "late",
    ]


def test_keywords_rank_the_subjects_first() -> None:
    top = [keyword.word for keyword in keywords(REFUNDS + DELIVERY, top=4)]

    assert {"退款", "订单"} <= set(top) or {"快递", "物流"} <= set(top)
    assert set(top) <= {"退款", "订单", "快递", "物流", "到账", "取消"}


def test_topics_separate_refunds_from_delivery() -> None:
    model = topic_model(REFUNDS + DELIVERY, topics=2, top_words=3)

    first = set(model.assignments[: len(REFUNDS)])
    second = set(model.assignments[len(REFUNDS) :])
    assert len(first) == 1 and len(second) == 1 and first != second
    refund_topic = model.topics[first.pop()]
    delivery_topic = model.topics[second.pop()]
    assert "退款" in [word for word, _ in refund_topic.words]
    assert {"快递", "物流"} & {word for word, _ in delivery_topic.words}
    assert refund_topic.size == 4 and all(i < 4 for i in refund_topic.examples)


def test_empty_input_has_no_keywords() -> None:
    assert keywords([]) == []
    assert keywords(["的了吗"]) == []
