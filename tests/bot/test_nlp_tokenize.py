from parley.bot.nlp.tokenize import SynonymTable, query_tokens, tokenize
from parley.conversations.search_text import index_words, query_words


def test_english_is_lower_cased_and_stemmed():
    assert tokenize("Refunds REFUNDED refunding") == ["refund", "refund", "refund"]


def test_chinese_is_segmented_into_words():
    tokens = tokenize("我想申请退款")
    assert "退款" in tokens
    assert "申请" in tokens
    # 我 / 想 are stop words of a question, not what it is about.
    assert "我" not in tokens


def test_mixed_text_takes_each_word_by_its_script():
    # Stems need not be words ("iphon"); documents and queries are stemmed alike.
    assert tokenize("iPhone 退款 cards") == ["iphon", "退款", "card"]


def test_stop_words_are_dropped_but_a_query_of_stop_words_only_is_kept():
    assert tokenize("where is the parcel") == ["where", "parcel"]
    assert tokenize("are you there") == ["are", "you", "there"]
    assert tokenize("在吗") == ["在", "吗"]


def test_full_width_characters_are_folded():
    assert tokenize("ＲＥＦＵＮＤ １２３") == ["refund", "123"]


def test_synonyms_expand_a_query_both_ways():
    synonyms = {"退款": ["退钱"], "refund": ["money back"]}
    assert "退款" in query_tokens("怎么退钱", synonyms)
    assert "退钱" in query_tokens("怎么退款", synonyms)
    assert {"money", "back"} <= set(query_tokens("refund please", synonyms))
    assert "refund" in query_tokens("I want my money back", synonyms)


def test_a_phrase_synonym_needs_the_whole_phrase():
    synonyms = {"refund": ["money back"]}
    assert "refund" not in query_tokens("send the money", synonyms)


def test_query_tokens_are_unique_and_empty_queries_have_none():
    assert query_tokens("refund refunds refunded") == ["refund"]
    assert query_tokens("") == []
    assert query_tokens("?!。") == []
    assert not SynonymTable.from_mapping({"x": []})


def test_message_search_words_still_come_from_the_shared_segmenter():
    assert " 退款 " in index_words("申请退款")
    assert query_words("Refund 退款") == ["refund", "退款"]


def test_how_words_that_end_most_chinese_questions_are_stop_words():
    # 怎么办 / 怎么 / 怎么样 end most questions; as tokens they matched any article using them.
    assert tokenize("地址写错了怎么办") == ["地址", "写错"]
    assert "怎么" not in tokenize("怎么退款")
