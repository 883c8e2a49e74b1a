"""A tiny, clearly separable intent data set (English and Chinese) for fast tests."""

from __future__ import annotations

INTENTS: dict[str, list[str]] = {
    "refund": [
        "I want a refund",
        "how do I get my money back",
        "refund my order please",
        "when will my refund arrive",
        "can I return this for a refund",
        "the refund has not reached my card",
        "request a refund for the broken item",
        "where is my refund",
        "我要退款",
        "退款多久到账",
    ],
    "delivery": [
        "where is my parcel",
        "when will my order be delivered",
        "track my delivery",
        "the courier has not arrived",
        "how long does shipping take",
        "my package is late",
        "delivery status of my order",
        "has my parcel been shipped",
        "快递到哪里了",
        "什么时候发货",
    ],
    "password": [
        "I forgot my password",
        "reset my password",
        "cannot log in to my account",
        "how do I change my password",
        "my login does not work",
        "password reset link expired",
        "locked out of my account",
        "sign in keeps failing",
        "忘记密码了",
        "怎么修改登录密码",
    ],
    "hours": [
        "what are your opening hours",
        "when are you open",
        "are you open on sunday",
        "what time do you close",
        "opening times of the shop",
        "are you open on holidays",
        "business hours please",
        "when does customer service start",
        "你们几点上班",
        "周末营业吗",
    ],
    "invoice": [
        "I need an invoice",
        "send me a receipt",
        "can I get a VAT invoice",
        "download my invoice",
        "the invoice has the wrong address",
        "where can I find my receipts",
        "invoice for my last purchase",
        "company invoice please",
        "怎么开发票",
        "发票抬头写错了",
    ],
    "cancel": [
        "cancel my order",
        "I want to cancel",
        "how do I cancel my subscription",
        "stop my order before it ships",
        "cancel the purchase I made today",
        "can I still cancel",
        "please cancel everything",
        "cancellation of my booking",
        "取消订单",
        "我不想要了，怎么取消",
    ],
}


def examples() -> list[tuple[str, str]]:
    return [(text, label) for label, texts in INTENTS.items() for text in texts]
