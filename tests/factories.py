"""factory_boy factories for the domain; every test builds its data from these."""

from __future__ import annotations

import factory

from parley.accounts.models import Member, Role, Team, User, Workspace
from parley.contacts.models import Contact
from parley.conversations.models import Conversation, Status
from parley.inboxes.models import Inbox, InboxKind

PASSWORD = "correct horse battery staple"
ORIGIN = "https://shop.example"


class WorkspaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workspace

    name = factory.Sequence(lambda n: f"Workspace {n}")
    slug = factory.Sequence(lambda n: f"ws-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    display_name = factory.Sequence(lambda n: f"User {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    workspace = factory.SubFactory(WorkspaceFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.AGENT


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


class InboxFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inbox

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Sequence(lambda n: f"Inbox {n}")
    kind = InboxKind.WIDGET
    allowed_origins = factory.LazyFunction(lambda: [ORIGIN])


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Sequence(lambda n: f"Visitor {n}")
    email = factory.Sequence(lambda n: f"visitor{n}@example.test")


class ConversationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conversation

    inbox = factory.SubFactory(InboxFactory)
    workspace = factory.SelfAttribute("inbox.workspace")
    contact = factory.SubFactory(ContactFactory, workspace=factory.SelfAttribute("..workspace"))
    status = Status.QUEUED
