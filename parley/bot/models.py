"""The bot app's tables: the knowledge base (articles with their versions, FAQs, synonyms and the
workspace's knowledge-base version stamp) and the intent models trained from it.

Every row belongs to one workspace. Article and FAQ bodies are stored already sanitised (see
``parley.bot.services.sanitize``); ``*_text`` columns keep their plain text for search and
snippets.
"""

from __future__ import annotations

from django.db import models

from parley.accounts.models import Member, Workspace


class KbLocale(models.TextChoices):
    ZH_CN = "zh-CN", "简体中文"
    EN = "en", "English"


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class KnowledgeBaseStamp(models.Model):
    """A counter every knowledge-base write bumps (in the writer's transaction): a search index
    built at one value is stale once the value moves, so an edit shows on the next search."""

    workspace = models.OneToOneField(
        Workspace, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    version = models.PositiveBigIntegerField(default=0)
    # With the version, tells apart two histories that reached the same number (a database
    # restored from a backup, or tests whose transactions were rolled back).
    changed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.workspace_id}: v{self.version}"


class Article(models.Model):
    """A help-center article. The category is a label (the help center groups by it), not a
    table: it needs no settings of its own yet."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=120, allow_unicode=True)
    body = models.TextField(blank=True)
    body_text = models.TextField(blank=True)
    category = models.CharField(max_length=80, blank=True)
    locale = models.CharField(max_length=8, choices=KbLocale.choices, default=KbLocale.EN)
    status = models.CharField(
        max_length=16, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    author = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    view_count = models.PositiveIntegerField(default=0)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "slug"], name="article_slug_unique")
        ]
        indexes = [models.Index(fields=["workspace", "status", "locale"])]

    def __str__(self) -> str:
        return self.title


class ArticleVersion(models.Model):
    """What an article's title and body were after one save; restoring one saves a new one."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    editor = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="article_version_unique")
        ]
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"{self.article_id} v{self.number}"


class Faq(models.Model):
    """A common question, the other ways customers ask it, and its answer. The intent model
    learns from the question and paraphrases; ``intent`` names the label (``faq:<id>`` when
    empty) and ``skill`` the routing skill a handoff from it asks for."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    question = models.CharField(max_length=300)
    paraphrases = models.JSONField(default=list, blank=True)
    answer = models.TextField()
    answer_text = models.TextField(blank=True)
    intent = models.CharField(max_length=80, blank=True)
    skill = models.CharField(max_length=80, blank=True)
    article = models.ForeignKey(
        Article, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    locale = models.CharField(max_length=8, choices=KbLocale.choices, default=KbLocale.EN)
    published = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["workspace", "published", "locale"])]

    def __str__(self) -> str:
        return self.question


class Synonym(models.Model):
    """A term and the words customers use for it (退款 = 退钱, 退货款); search expands both ways."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    term = models.CharField(max_length=80)
    equivalents = models.JSONField(default=list)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "term"], name="synonym_term_unique")
        ]

    def __str__(self) -> str:
        return self.term


class IntentModelVersion(models.Model):
    """One trained intent model of a workspace (see parley/bot/intent/). At most one is active;
    training writes a new row and moves ``active`` to it in one transaction, so the bot always
    reads a whole model. Old versions stay for comparison and rollback."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    trained_on_count = models.PositiveIntegerField()
    metrics = models.JSONField(default=dict)
    # A joblib pickle written by IntentModel.to_bytes; only ever loaded from this table.
    artifact = models.BinaryField()
    active = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "version"], name="intent_model_version_unique"
            ),
            models.UniqueConstraint(
                fields=["workspace"],
                condition=models.Q(active=True),
                name="intent_model_one_active",
            ),
        ]

    def __str__(self) -> str:
        return f"intent model v{self.version}"


class IntentTrainingRequest(models.Model):
    """A knowledge-base change the intent model has not been trained on yet (one row per
    workspace). Each change pushes ``due_at`` a little later, so a burst of edits trains once,
    after the last one; ``first_requested_at`` bounds the wait while edits keep coming.
    Training deletes the row when it starts (services/intent_training.py)."""

    workspace = models.OneToOneField(
        Workspace, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    first_requested_at = models.DateTimeField()
    due_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.workspace_id}: due {self.due_at:%Y-%m-%d %H:%M:%S}"


# --- bot conversations (parley/bot/conversation/) ------------------------------------------


class BotSession(models.Model):
    """The bot's memory of one conversation it handles: the visitor's language, how many turns
    it could not answer, the "did you mean" choices on offer, and how it ended (handed over,
    with the reason and the detected intent and skill that routing reads)."""

    conversation = models.OneToOneField(
        "conversations.Conversation", on_delete=models.CASCADE, related_name="bot_session"
    )
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    inbox = models.ForeignKey("inboxes.Inbox", on_delete=models.CASCADE, related_name="+")
    locale = models.CharField(max_length=8, choices=KbLocale.choices, default=KbLocale.EN)
    low_confidence_turns = models.PositiveSmallIntegerField(default=0)
    # The latest intent the bot was sure enough of, and its FAQ's routing skill.
    intent = models.CharField(max_length=80, blank=True)
    skill = models.CharField(max_length=80, blank=True)
    # [{"faq": id, "question": "…"}] offered by the last "did you mean" message.
    choices = models.JSONField(default=list, blank=True)
    handoff_reason = models.CharField(max_length=24, blank=True)
    handed_off_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["workspace", "created_at"])]

    def __str__(self) -> str:
        return f"bot session of #{self.conversation_id}"


class BotReplyKind(models.TextChoices):
    ANSWER = "answer", "Answer"
    SUGGEST = "suggest", "Did you mean"
    REFUSE = "refuse", "Did not know"


class BotRating(models.TextChoices):
    HELPFUL = "helpful", "Helpful"
    UNHELPFUL = "unhelpful", "Unhelpful"


class BotReply(models.Model):
    """One bot reply to one customer question, with what it was based on and the customer's
    rating. Bot analytics read this table, never the message timeline."""

    session = models.ForeignKey(BotSession, on_delete=models.CASCADE, related_name="replies")
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    message = models.OneToOneField(
        "conversations.Message", on_delete=models.CASCADE, related_name="bot_reply"
    )
    kind = models.CharField(max_length=8, choices=BotReplyKind.choices)
    question = models.TextField()
    intent = models.CharField(max_length=80, blank=True)
    confidence = models.FloatField(default=0.0)
    faq = models.ForeignKey(Faq, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    article = models.ForeignKey(
        Article, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    generated = models.BooleanField(default=False)
    rating = models.CharField(max_length=10, choices=BotRating.choices, blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["workspace", "kind", "created_at"])]

    def __str__(self) -> str:
        return f"bot {self.kind} in #{self.message_id}"


class BotGenerationConfig(models.Model):
    """A workspace's OpenAI-compatible endpoint for phrasing answers (off by default). The key
    is write-only: no API returns it and nothing logs it."""

    workspace = models.OneToOneField(
        Workspace, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    enabled = models.BooleanField(default=False)
    base_url = models.URLField(max_length=300, blank=True)
    model = models.CharField(max_length=120, blank=True)
    # Encrypted at rest (parley.contacts.encryption, Fernet under PARLEY_ENCRYPTION_KEYS).
    api_key = models.TextField(blank=True)
    timeout_seconds = models.FloatField(default=8.0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"generation for {self.workspace_id}: {'on' if self.enabled else 'off'}"
