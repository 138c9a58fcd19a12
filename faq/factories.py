"""Factories for the FAQ guide's pages and people's state, for tests and the demo seeder."""

import factory
import wagtail_factories

from portal.factories import UserFactory

from .models import FAQCategoryPage, FAQEntryPage, FAQIndexPage, FAQVote, Question


class FAQIndexPageFactory(wagtail_factories.PageFactory):
    title = "FAQ guide"
    slug = "faq"

    class Meta:
        model = FAQIndexPage


class FAQCategoryPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Category {n}")
    description = "Questions on one theme."

    class Meta:
        model = FAQCategoryPage


class FAQEntryPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Question number {n}?")
    answer = "<p>The answer, in a sentence or two.</p>"

    class Meta:
        model = FAQEntryPage
        skip_postgeneration_save = True

    @factory.post_generation
    def audiences(self, create, extracted, **kwargs):
        if create and extracted:
            self.audiences.set(extracted)
            self.save()


class FAQVoteFactory(factory.django.DjangoModelFactory):
    user = factory.SubFactory(UserFactory)
    helpful = True

    class Meta:
        model = FAQVote


class QuestionFactory(factory.django.DjangoModelFactory):
    asker = factory.SubFactory(UserFactory)
    text = factory.Sequence(lambda n: f"How do I do thing number {n}?")

    class Meta:
        model = Question
