"""Rows of the feedback tables. Create them as the service role (the agent platform writes drafts)."""

import factory
from factory.django import DjangoModelFactory

from feedback.models import AgentFeedback, AnnotationLabel, SupportCuratedReply


class AgentFeedbackFactory(DjangoModelFactory):
    class Meta:
        model = AgentFeedback

    conversation_id = factory.Sequence(lambda n: f"conv-{n}")
    input_text = factory.Sequence(lambda n: f"Where is my order #{1000 + n}?")
    model_draft = "Your order shipped yesterday; here is the tracking link."
    # One annotator unless a test says otherwise (the overlap draw is tested on its own).
    annotations_needed = 1
    meta = factory.LazyFunction(lambda: {"model": "gpt-test", "temperature": 0.2})


class SupportCuratedReplyFactory(DjangoModelFactory):
    class Meta:
        model = SupportCuratedReply

    conversation_id = factory.Sequence(lambda n: f"conv-{n}")
    source_message_id = factory.Sequence(lambda n: f"msg-{n}")
    question = "Can I return an opened item?"
    reply = "Yes, within 30 days, as long as it is undamaged."
    tags = factory.LazyFunction(lambda: ["returns"])


class AnnotationLabelFactory(DjangoModelFactory):
    class Meta:
        model = AnnotationLabel
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"label-{n}")
    description = "A label."
