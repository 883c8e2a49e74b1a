from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from parley.bot.intent.selectors import intent_model_active
from parley.bot.models import Faq, IntentModelVersion
from parley.bot.services.intent_models import intent_model_train
from parley.bot.tasks import train_intent_model
from parley.errors import ApplicationError, ErrorCode
from tests.bot.intent_samples import INTENTS, examples

pytestmark = pytest.mark.django_db


def active_versions(workspace) -> list[int]:
    rows = IntentModelVersion.objects.filter(workspace=workspace, active=True)
    return list(rows.values_list("version", flat=True))


def test_before_any_training_there_is_no_model(world):
    assert intent_model_active(workspace_id=world.workspace.pk) is None


def test_training_stores_a_version_and_makes_it_active(world):
    version = intent_model_train(workspace=world.workspace, examples=examples())

    assert version.version == 1
    assert version.trained_on_count == len(examples())
    assert version.metrics["intents"] == len(INTENTS)
    model = intent_model_active(workspace_id=world.workspace.pk)
    assert model is not None
    assert model.predict("I forgot my password").label == "password"


def test_a_new_version_replaces_the_active_one(world):
    intent_model_train(workspace=world.workspace, examples=examples())
    fewer = [(text, label) for text, label in examples() if label != "invoice"]

    second = intent_model_train(workspace=world.workspace, examples=fewer)

    assert second.version == 2
    assert active_versions(world.workspace) == [2]
    model = intent_model_active(workspace_id=world.workspace.pk)
    assert model is not None
    assert "invoice" not in model.labels


def test_a_failed_training_keeps_the_active_version(world):
    intent_model_train(workspace=world.workspace, examples=examples())

    with pytest.raises(ApplicationError) as refused:
        intent_model_train(workspace=world.workspace, examples=[("hello", "greeting")])

    assert refused.value.code == ErrorCode.INVALID
    assert active_versions(world.workspace) == [1]
    assert IntentModelVersion.objects.filter(workspace=world.workspace).count() == 1


def test_the_swap_is_all_or_nothing(world, monkeypatch):
    intent_model_train(workspace=world.workspace, examples=examples())

    def broken_create(**kwargs):
        raise RuntimeError("disk full")

    # The old version is deactivated first; a failure after that must undo it.
    monkeypatch.setattr(IntentModelVersion.objects, "create", broken_create)
    with pytest.raises(RuntimeError):
        intent_model_train(workspace=world.workspace, examples=examples())

    assert active_versions(world.workspace) == [1]


def test_the_active_model_is_loaded_once_per_version(world, django_assert_num_queries):
    intent_model_train(workspace=world.workspace, examples=examples())
    first = intent_model_active(workspace_id=world.workspace.pk)

    with django_assert_num_queries(1):
        again = intent_model_active(workspace_id=world.workspace.pk)

    assert again is first


def test_workspaces_have_their_own_models_and_numbers(world, other_world):
    intent_model_train(workspace=world.workspace, examples=examples())

    assert intent_model_active(workspace_id=other_world.workspace.pk) is None
    other = intent_model_train(workspace=other_world.workspace, examples=examples())
    assert other.version == 1
    assert active_versions(world.workspace) == [1]


def test_the_job_trains_from_the_published_faqs(world):
    for label, texts in INTENTS.items():
        Faq.objects.create(
            workspace=world.workspace,
            question=texts[0],
            paraphrases=texts[1:],
            answer=f"About {label}",
            intent=label,
            published=True,
        )

    assert train_intent_model(world.workspace.pk) == 1

    model = intent_model_active(workspace_id=world.workspace.pk)
    assert model is not None
    assert model.predict("where is my refund").label == "refund"


def test_the_job_with_too_few_faqs_keeps_what_there_is(world):
    intent_model_train(workspace=world.workspace, examples=examples())
    Faq.objects.create(
        workspace=world.workspace, question="hi", answer="hello", intent="hi", published=True
    )

    assert train_intent_model(world.workspace.pk) is None
    assert active_versions(world.workspace) == [1]


def test_the_train_command_trains_the_workspace_from_its_faqs(world):
    for label, texts in INTENTS.items():
        Faq.objects.create(
            workspace=world.workspace,
            question=texts[0],
            paraphrases=texts[1:],
            answer=label,
            intent=label,
            published=True,
        )
    out = StringIO()

    call_command("bot", "train", "--workspace", world.workspace.slug, stdout=out)

    assert out.getvalue().splitlines()[0] == "version: 1"
    assert active_versions(world.workspace) == [1]
    with pytest.raises(CommandError, match="no workspace"):
        call_command("bot", "train", "--workspace", "nope")


def test_a_model_stored_by_another_release_is_not_used(world, monkeypatch):
    intent_model_train(workspace=world.workspace, examples=examples())
    monkeypatch.setattr("parley.bot.intent.model.FORMAT_VERSION", 999)

    assert intent_model_active(workspace_id=world.workspace.pk) is None
