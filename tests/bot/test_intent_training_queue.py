"""Training after knowledge-base changes: queued after commit, once per burst of edits."""

from datetime import timedelta

import pytest
from django.utils import timezone

from parley.bot import queue as training_queue
from parley.bot.intent.selectors import intent_model_active
from parley.bot.models import Faq, IntentModelVersion, IntentTrainingRequest
from parley.bot.services import (
    FaqInput,
    article_create,
    article_publish,
    faq_create,
    faq_delete,
    faq_update,
)
from parley.bot.services.intent_training import (
    intent_training_request,
    intent_training_run_due,
    train_delay,
    train_max_wait,
)
from parley.bot.tasks import train_due_intent_models, train_intent_model_when_due
from tests.bot.intent_samples import INTENTS

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(monkeypatch):
    """The jobs handed to the queue (Celery or the embedded runner), as (workspace, countdown)."""
    calls: list[tuple[int, float]] = []
    monkeypatch.setattr(
        training_queue,
        "queue_intent_training",
        lambda *, workspace_id, countdown: calls.append((workspace_id, countdown)),
    )
    return calls


def faq_data(question: str, paraphrases: list[str], intent: str) -> FaqInput:
    return FaqInput(
        question=question,
        paraphrases=paraphrases,
        answer=f"<p>About {intent}</p>",
        locale="en",
        intent=intent,
        published=True,
    )


def seed_faqs(world, django_capture_on_commit_callbacks) -> None:
    """The sample intents as FAQs, trained once: version 1."""
    with django_capture_on_commit_callbacks(execute=True):
        for label, texts in INTENTS.items():
            faq_create(actor=world.admin, data=faq_data(texts[0], texts[1:], label))
    request = IntentTrainingRequest.objects.get(workspace=world.workspace)
    assert intent_training_run_due(workspace_id=world.workspace.pk, now=request.due_at).version == 1


def versions(world) -> list[int]:
    rows = IntentModelVersion.objects.filter(workspace=world.workspace).order_by("version")
    return list(rows.values_list("version", flat=True))


ADDRESS = faq_data(
    "How do I change my delivery address",
    [
        "I moved and need to update my address",
        "wrong shipping address on my order",
        "can I send the parcel to another address",
        "edit the address of my order",
    ],
    "change_address",
)


def test_an_faq_change_queues_a_training_after_commit(
    world, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        faq_create(actor=world.admin, data=ADDRESS)
        assert queued == []  # nothing before the commit

    for callback in callbacks:
        callback()
    assert queued == [(world.workspace.pk, train_delay().total_seconds())]
    request = IntentTrainingRequest.objects.get(workspace=world.workspace)
    assert request.due_at == request.first_requested_at + train_delay()


def test_an_faq_change_leads_to_a_new_version_that_answers_the_new_question(
    world, queued, django_capture_on_commit_callbacks
):
    seed_faqs(world, django_capture_on_commit_callbacks)
    before = intent_model_active(workspace_id=world.workspace.pk)
    assert before is not None
    assert before.predict("please update the address for my parcel").label != "change_address"

    with django_capture_on_commit_callbacks(execute=True):
        faq_create(actor=world.admin, data=ADDRESS)
    request = IntentTrainingRequest.objects.get(workspace=world.workspace)

    outcome = intent_training_run_due(workspace_id=world.workspace.pk, now=request.due_at)

    assert outcome.trained and outcome.version == 2
    assert versions(world) == [1, 2]
    model = intent_model_active(workspace_id=world.workspace.pk)
    assert model is not None
    assert model.predict("please update the address for my parcel").label == "change_address"
    assert not IntentTrainingRequest.objects.filter(workspace=world.workspace).exists()


def test_many_quick_changes_lead_to_one_training(world, queued, django_capture_on_commit_callbacks):
    seed_faqs(world, django_capture_on_commit_callbacks)
    queued.clear()
    start = timezone.now()
    faq = Faq.objects.filter(workspace=world.workspace).first()
    assert faq is not None

    # Five edits, a second apart, each in its own transaction.
    with django_capture_on_commit_callbacks(execute=True):
        created = faq_create(actor=world.admin, data=ADDRESS)
    for second in range(1, 5):
        with django_capture_on_commit_callbacks(execute=True):
            intent_training_request(
                workspace_id=world.workspace.pk, now=start + timedelta(seconds=second)
            )
    last_due = start + timedelta(seconds=4) + train_delay()

    assert len(queued) == 1  # one job for the burst
    early = intent_training_run_due(workspace_id=world.workspace.pk, now=start + train_delay())
    assert not early.trained and early.wait == pytest.approx(4.0)
    assert versions(world) == [1]

    done = intent_training_run_due(workspace_id=world.workspace.pk, now=last_due)
    assert done.trained and versions(world) == [1, 2]
    # Whatever job is still queued finds nothing to do.
    assert not intent_training_run_due(workspace_id=world.workspace.pk, now=last_due).trained
    assert versions(world) == [1, 2]
    assert created.pk


def test_edits_that_keep_coming_wait_no_longer_than_the_maximum(world, queued):
    start = timezone.now()
    step = train_delay() / 2
    for n in range(int(train_max_wait() / step) + 5):
        intent_training_request(workspace_id=world.workspace.pk, now=start + n * step)

    request = IntentTrainingRequest.objects.get(workspace=world.workspace)
    assert request.due_at == start + train_max_wait()


def test_a_change_while_training_runs_is_trained_afterwards(
    world, queued, django_capture_on_commit_callbacks
):
    seed_faqs(world, django_capture_on_commit_callbacks)
    queued.clear()
    faq = Faq.objects.filter(workspace=world.workspace, intent="refund").get()

    with django_capture_on_commit_callbacks(execute=True):
        faq_delete(actor=world.admin, faq=faq)
    assert len(queued) == 1
    # The first request was claimed (deleted) when its training started: a new change asks anew.
    with django_capture_on_commit_callbacks(execute=True):
        faq_update(
            actor=world.admin,
            faq=Faq.objects.filter(workspace=world.workspace, intent="delivery").get(),
            data=faq_data("where is my parcel now", ["track my delivery"], "delivery"),
        )
    assert len(queued) == 1  # still the same burst
    request = IntentTrainingRequest.objects.get(workspace=world.workspace)
    intent_training_run_due(workspace_id=world.workspace.pk, now=request.due_at)
    with django_capture_on_commit_callbacks(execute=True):
        faq_create(actor=world.admin, data=ADDRESS)
    assert len(queued) == 2


def test_publishing_an_article_asks_for_a_training(
    world, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        article = article_create(
            actor=world.admin, title="Returns", body="<p>30 days</p>", locale="en"
        )
    assert queued == []  # a draft changes nothing the bot answers from
    with django_capture_on_commit_callbacks(execute=True):
        article_publish(actor=world.admin, article=article)
    assert queued == [(world.workspace.pk, train_delay().total_seconds())]


def test_a_rejected_change_asks_for_nothing(world, queued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Exception):
        faq_create(actor=world.agent, data=ADDRESS)  # agents read the knowledge base only
    assert queued == []
    assert not IntentTrainingRequest.objects.exists()


def test_the_job_queues_itself_again_while_the_burst_goes_on(world, monkeypatch):
    intent_training_request(workspace_id=world.workspace.pk)
    again: list[tuple[tuple[int], float]] = []
    monkeypatch.setattr(
        train_intent_model_when_due,
        "apply_async",
        lambda args, countdown: again.append((args, countdown)),
    )

    assert train_intent_model_when_due(world.workspace.pk) is None

    assert len(again) == 1
    assert again[0][0] == (world.workspace.pk,)
    assert 0 < again[0][1] <= train_delay().total_seconds()


def test_the_sweep_runs_requests_whose_job_was_lost(
    world, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for label, texts in INTENTS.items():
            faq_create(actor=world.admin, data=faq_data(texts[0], texts[1:], label))
    IntentTrainingRequest.objects.update(due_at=timezone.now() - 2 * train_delay())

    assert train_due_intent_models() == 1

    assert versions(world) == [1]
    assert not IntentTrainingRequest.objects.exists()


def test_the_sweep_leaves_requests_that_are_not_overdue(world, queued):
    intent_training_request(workspace_id=world.workspace.pk)
    assert train_due_intent_models() == 0
    assert IntentTrainingRequest.objects.filter(workspace=world.workspace).exists()


def test_workspaces_are_trained_apart(
    world, other_world, queued, django_capture_on_commit_callbacks
):
    seed_faqs(world, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        faq_create(actor=other_world.admin, data=ADDRESS)
    assert IntentTrainingRequest.objects.get().workspace_id == other_world.workspace.pk
    request = IntentTrainingRequest.objects.get()
    # The other workspace has one FAQ: too few to train; this one's version is untouched.
    assert not intent_training_run_due(
        workspace_id=other_world.workspace.pk, now=request.due_at
    ).trained
    assert versions(world) == [1]
    assert not IntentModelVersion.objects.filter(workspace=other_world.workspace).exists()


def test_the_embedded_runner_runs_each_job_when_due_and_again_when_asked():
    ran: list[int] = []
    waits = {1: [0.01, 0.0], 2: [0.0]}

    def run(workspace_id: int) -> float:
        ran.append(workspace_id)
        return waits[workspace_id].pop(0)

    runner = training_queue.EmbeddedTrainingRunner(run=run)
    runner.schedule(1, 0.0)
    runner.schedule(2, 0.02)

    assert runner.wait_idle(timeout=30)
    assert sorted(ran) == [1, 1, 2]  # workspace 1 asked to run again once


def test_a_failing_job_does_not_stop_the_embedded_runner():
    ran: list[int] = []

    def run(workspace_id: int) -> float:
        ran.append(workspace_id)
        if workspace_id == 1:
            raise RuntimeError("boom")
        return 0.0

    runner = training_queue.EmbeddedTrainingRunner(run=run)
    runner.schedule(1, 0.0)
    runner.schedule(2, 0.0)
    assert runner.wait_idle(timeout=30)
    assert sorted(ran) == [1, 2]


@pytest.mark.django_db(transaction=True)
def test_in_the_embedded_mode_changes_are_trained_in_the_background(world, settings, monkeypatch):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # the embedded path, in either CI pass
    settings.PARLEY_BOT_TRAIN_DELAY = 0.5
    # A runner of its own: the process's may hold jobs that earlier tests queued.
    runner = training_queue.EmbeddedTrainingRunner()
    monkeypatch.setattr(training_queue, "embedded_runner", lambda: runner)
    for label, texts in INTENTS.items():
        faq_create(actor=world.admin, data=faq_data(texts[0], texts[1:], label))
    faq_create(actor=world.admin, data=ADDRESS)

    assert runner.wait_idle(timeout=600)

    model = intent_model_active(workspace_id=world.workspace.pk)
    assert model is not None
    assert model.predict("please update the address for my parcel").label == "change_address"
    assert not IntentTrainingRequest.objects.exists()
