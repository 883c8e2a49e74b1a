from parley.bot.nlp.retrieval import Hit, IndexDoc, SearchIndex

DOCS = [
    IndexDoc(
        id=11, title="Change delivery address", text="Before the parcel ships you can edit it."
    ),
    IndexDoc(id=12, title="How long do refunds take", text="Refunds reach the card in 5 days."),
    IndexDoc(id=13, title="退款多久到账", text="退款一般在3到5个工作日内原路退回。"),
    IndexDoc(id=14, title="支持哪些快递", text="我们支持顺丰和京东快递，发货后可查询物流。"),
    IndexDoc(id=15, title="Opening hours", text="We answer chats from 9:00 to 18:00."),
]


def test_the_document_that_matches_ranks_first():
    hits = SearchIndex.build(DOCS).search("when will my refund arrive")
    assert hits[0].id == 12


def test_a_chinese_query_finds_the_chinese_document():
    hits = SearchIndex.build(DOCS).search("请问退款什么时候到账？")
    assert hits[0].id == 13
    assert 11 not in [hit.id for hit in hits]


def test_a_word_in_the_title_outranks_the_same_word_in_a_body():
    docs = [
        IndexDoc(id=1, title="Shipping", text="Our courier partners and the tracking of a parcel."),
        IndexDoc(id=2, title="Tracking a parcel", text="Our courier partners and shipping."),
    ]
    assert [hit.id for hit in SearchIndex.build(docs).search("tracking")] == [2, 1]


def test_synonyms_find_a_document_written_with_the_other_word():
    index = SearchIndex.build(DOCS, synonyms={"快递": ["物流公司"]})
    assert index.search("你们用哪家物流公司")[0].id == 14
    assert SearchIndex.build(DOCS).search("物流公司")[0].id == 14  # 物流 is in the body too
    plain = SearchIndex.build(DOCS).search("courier")
    assert plain == []
    assert SearchIndex.build(DOCS, synonyms={"courier": ["快递"]}).search("courier")[0].id == 14


def test_k_limits_the_hits_and_scores_go_down():
    hits = SearchIndex.build(DOCS).search("refund 退款 parcel 快递", k=3)
    assert len(hits) == 3
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)
    assert all(isinstance(hit, Hit) and hit.score > 0 for hit in hits)


def test_empty_index_empty_query_and_no_match_return_nothing():
    assert SearchIndex.build([]).search("refund") == []
    assert SearchIndex.build(DOCS).search("") == []
    assert SearchIndex.build(DOCS).search("   ") == []
    assert SearchIndex.build(DOCS).search("xylophone") == []


def test_documents_without_titles_are_searchable():
    index = SearchIndex.build(
        [IndexDoc(id=1, text="reset your password"), IndexDoc(id=2, text="x")]
    )
    assert [hit.id for hit in index.search("password reset")] == [1]


def test_entries_with_titles_only_are_searchable():
    docs = [
        IndexDoc(id=1, title="怎么更改花呗手机号码", text=""),
        IndexDoc(id=2, title="借呗怎么还款", text=""),
    ]
    assert SearchIndex.build(docs).search("花呗的手机号能改吗")[0].id == 1
