"""The demo workspace's knowledge base: a few articles and FAQs in Chinese and English, and
synonyms, so the help center, the widget's help search and the bot have something to find.
Seeded through the services (sanitised, versioned, audited) and idempotently: an entry whose
slug, question or term exists is left as it is."""

from __future__ import annotations

from parley.accounts.models import Member, Workspace
from parley.bot import services
from parley.bot.models import Article, Faq, Synonym

# (slug, locale, category, title, body)
ARTICLES = [
    (
        "refund-time-zh",
        "zh-CN",
        "退款与售后",
        "退款多久到账",
        "<p>退款审核通过后，款项会在 <strong>3-5 个工作日</strong>内原路退回到您的付款账户。</p>"
        "<ul><li>微信、支付宝：通常 1-3 个工作日</li>"
        "<li>银行卡：3-5 个工作日，以银行入账为准</li></ul>"
        "<p>超过 5 个工作日仍未到账，请联系在线客服并提供订单号。</p>",
    ),
    (
        "return-item-zh",
        "zh-CN",
        "退款与售后",
        "如何申请退货",
        "<p>签收后 7 天内，商品未使用、包装完好即可申请无理由退货。</p>"
        "<ol><li>打开“我的订单”，找到要退的商品</li><li>点击“申请售后”，选择“退货退款”</li>"
        "<li>按页面提示寄回商品并填写快递单号</li></ol><p>我们收到退货后 1 个工作日内审核。</p>",
    ),
    (
        "change-address-zh",
        "zh-CN",
        "订单与配送",
        "如何修改收货地址",
        "<p>订单<strong>发货前</strong>，可在“我的订单 → 订单详情”中修改收货地址。</p>"
        "<p>已经发货的订单无法修改地址，请联系在线客服协助您联系快递公司。</p>",
    ),
    (
        "delivery-fees-zh",
        "zh-CN",
        "订单与配送",
        "配送时间与运费",
        "<p>工作日 16:00 前付款的订单当天发货，江浙沪一般次日送达，其他地区 2-4 天。</p>"
        "<p>订单满 99 元包邮，不满 99 元收取 8 元运费。</p>",
    ),
    (
        "reset-password-zh",
        "zh-CN",
        "账户与安全",
        "忘记密码怎么办",
        "<p>在登录页点击“忘记密码”，输入注册手机号并填写短信验证码，即可设置新密码。</p>"
        "<p>如果手机号已停用，请联系在线客服核实身份后为您修改。</p>",
    ),
    (
        "refund-time",
        "en",
        "Refunds and returns",
        "How long does a refund take?",
        "<p>Once a refund is approved, the money goes back to your original payment method "
        "within <strong>3-5 business days</strong>.</p><ul><li>Cards: 3-5 business days, "
        "depending on your bank</li><li>PayPal and wallets: usually 1-3 business days</li></ul>"
        "<p>Nothing after 5 business days? Chat with us and give your order number.</p>",
    ),
    (
        "return-item",
        "en",
        "Refunds and returns",
        "How to return an item",
        "<p>You can return unused items in their original packaging within 30 days of "
        "delivery.</p><ol><li>Open <em>My orders</em> and pick the item</li><li>Choose "
        "<em>Return or refund</em></li><li>Print the label and drop the parcel off</li></ol>",
    ),
    (
        "change-address",
        "en",
        "Orders and delivery",
        "Changing your delivery address",
        "<p>Until your order ships, change the address under <em>My orders → Order "
        "details</em>. Once it has shipped we cannot change it, but we can ask the courier to "
        "hold the parcel.</p>",
    ),
    (
        "delivery-fees",
        "en",
        "Orders and delivery",
        "Delivery times and shipping fees",
        "<p>Orders paid before 4 pm on a working day ship the same day and arrive in 2-4 "
        "working days. Delivery is free over $50; below that it costs $5.</p>",
    ),
    (
        "reset-password",
        "en",
        "Account and security",
        "I forgot my password",
        "<p>On the sign-in page choose <em>Forgot password</em>, enter your e-mail address "
        "and follow the link we send you. The link works for one hour.</p>",
    ),
]

# (locale, question, paraphrases, answer, intent, article slug)
FAQS = [
    (
        "zh-CN",
        "退款多久到账",
        ["钱什么时候退回来", "退款什么时候到", "退款一直没到账", "申请退款后多久能收到钱"],
        "退款审核通过后 3-5 个工作日内原路退回。",
        "refund_status",
        "refund-time-zh",
    ),
    (
        "zh-CN",
        "怎么退货",
        ["我想退货", "商品不想要了怎么办", "可以七天无理由退货吗", "退货流程是什么"],
        "签收后 7 天内可在“我的订单”中申请售后退货。",
        "return_item",
        "return-item-zh",
    ),
    (
        "zh-CN",
        "怎么修改收货地址",
        ["地址填错了", "能改地址吗", "收货地址写错了怎么办"],
        "发货前可在订单详情中修改收货地址。",
        "change_address",
        "change-address-zh",
    ),
    (
        "en",
        "How long does a refund take?",
        ["when will I get my money back", "refund not received yet", "where is my refund"],
        "Approved refunds reach your original payment method within 3-5 business days.",
        "refund_status",
        "refund-time",
    ),
    (
        "en",
        "How do I return an item?",
        ["I want to send it back", "return policy", "can I return my order"],
        "Unused items can be returned within 30 days from My orders → Return or refund.",
        "return_item",
        "return-item",
    ),
    (
        "en",
        "Can I change my delivery address?",
        ["wrong address on my order", "update shipping address", "deliver to another address"],
        "Yes, until the order ships: My orders → Order details.",
        "change_address",
        "change-address",
    ),
]

SYNONYMS = [
    ("退款", ["退钱", "返款"]),
    ("快递", ["物流", "包裹"]),
    ("refund", ["money back", "reimbursement"]),
    ("parcel", ["package", "delivery"]),
]


def kb_demo_seed(*, workspace: Workspace, author: Member) -> None:
    existing = set(Article.objects.filter(workspace=workspace).values_list("slug", flat=True))
    for slug, locale, category, title, body in ARTICLES:
        if slug not in existing:
            services.article_create(
                actor=author,
                title=title,
                body=body,
                locale=locale,
                category=category,
                slug=slug,
                publish=True,
            )
    articles = {a.slug: a for a in Article.objects.filter(workspace=workspace)}
    asked = set(Faq.objects.filter(workspace=workspace).values_list("question", flat=True))
    for locale, question, paraphrases, answer, intent, article_slug in FAQS:
        if question not in asked:
            services.faq_create(
                actor=author,
                data=services.FaqInput(
                    question=question,
                    paraphrases=paraphrases,
                    answer=answer,
                    locale=locale,
                    intent=intent,
                    article=articles.get(article_slug),
                    published=True,
                ),
            )
    terms = set(Synonym.objects.filter(workspace=workspace).values_list("term", flat=True))
    for term, equivalents in SYNONYMS:
        if term not in terms:
            services.synonym_create(actor=author, term=term, equivalents=equivalents)
