"""The essay "The Future of NATO" and its author, as captured from the blog where it first
appeared (see the README's "Content" section). Idempotent: an existing article is left alone."""

from django.db import migrations
from django.utils import timezone

TITLE = "The Future of\xa0NATO"
SLUG = "the-future-of-nato"
AUTHOR_NAME = "Oliver Gao"
AUTHOR_SLUG = "oliver-gao"
BIO = "Oliver Gao is a freshman majoring in International Studies at Johns Hopkins University. He is from Vancouver, Canada.\xa0"
EXCERPT = (
    "Established in 1949 as a military alliance to protect against Soviet encroachment into "
    "Western Europe, NATO has expanded its vision of collective security in order to remain "
    "relevant and effective."
)
BODY = """\
Established in 1949 as a military alliance to protect against Soviet encroachment into Western Europe, the North Atlantic Treaty Organization has worked towards “uniting efforts for collective defense and the preservation of peace and security”, a goal that has remained unchanged over the years. However, in the face of shifting interests and newly emerging threats ranging from terrorism to nuclear proliferation and cyberattacks, NATO has expanded its vision of collective security in order to remain relevant and effective.

Throughout NATO defense ministers’ meetings on Oct. 21-22, Secretary General Jens Stoltenberg highlighted the need for “future-proofing” NATO in a more complex and competitive world. This included the key steps NATO is taking in several areas of focus:

## Security and Technology

NATO’s current trajectory emphasizes keeping a technological edge ahead of authoritarian regimes. The newly announced NATO Innovation Fund aims to support the development of “dual-use emerging and disruptive technologies” and the integration of artificial intelligence in data analysis, imagery, and cyber defense.

Stoltenberg also stressed the importance of NATO’s adaptation to its shift in recent years away from operations outside NATO territory. In scaling down its investment in resources and efforts for these operations, NATO plans to continue increasing the readiness of forces within its borders, deploying combat troops on its eastern borders, and improving the efficiency of its command structure. These measures will work in conjunction with a modernization of NATO forces “not only in the land, air, and sea domain, but also when it comes to responding to new and disruptive technologies”. To this end, Stoltenberg stated that NATO will work to ensure its members are able to operate the different technologies “seamlessly, between their forces, and with each other.”

In regards to crisis management, Stoltenberg emphasized that the NATO allies will continue to be “increasingly aware of the importance of resilience, vulnerabilities related to supply lines, and also the importance of strengthening resilience”, with an increased focus on the potential security concerns raised by China. This includes “critical infrastructure, supply lines, and making sure that NATO can ensure it has the equipment, materials, and supplies it needs to uphold defense in times of crisis”.

## Relations with Russia

Considering Russia’s closure of the two NATO offices in Moscow and its withdrawal of eight personnel from NATO’s Brussels headquarters following suspicions of spying, NATO-Russia relations are at an all-time low since the Cold War. Despite this, NATO’s policy of being open to dialogue with Russia through mediums such as the NATO Russia Council will remain consistent, Stoltenberg assures: “the relationship between NATO and Russia has just become more difficult, but NATO will continue to strive for a constructive or a meaningful dialogue with Russia”.

NATO continues to pursue a “dual-track” approach to Russia of deterrence and dialogue. Prompted by Russia’s invasion of its neighbors, annexation of Crimea, and heavy investment in nuclear capabilities in violation of the Intermediate-Range Nuclear Forces (INF) Treaty over recent decades, NATO feels a clear need to promote arms control “without mirroring Russia’s actions”.

That being said, NATO does not believe in unilateral disarmament, as a world where authoritarian regimes like Russia have nuclear weapons while NATO does not, “is simply not a safer world”. Instead, the Nuclear Planning Group aims to formulate measures NATO can take to keep its nuclear deterrent “safe, secure, and effective” in order to address the nuclear threat posed by Russia. NATO defense ministers have pledged to implement “a balanced package of political and military measures” to respond to the Russian threat, including “significant improvements to air and missile defenses, strengthening conventional capabilities with fifth generation jets, adapting exercises and intelligence, and improving the readiness of NATO’s nuclear deterrent”.

Stoltenberg maintains that NATO’s primary goal in Afghanistan following the U.S. withdrawal and subsequent Taliban takeover is to prevent the country from becoming a “safe haven for terrorists,”as well as holding the Taliban accountable for its commitments to preventing terrorism, upholding human rights, and safe passage. NATO plans to use its political and diplomatic leverage on the Taliban regime, as well as contribution to The Global Coalition to Defeat Daesh and cooperation between member states to combat further terrorism. NATO also promises to “monitor any attempts by international terrorist groups to regroup in Afghanistan”, with its allies having “the capabilities to strike from over the horizon against terrorist threats”, Stoltenberg adds.

The future of NATO lies in strengthening the bond and cooperation of its allies, particularly between North America and Europe. Stoltenberg states that working together more closely on a wide range of issues, such as technology, deterrence, and mutual defense, will be the foremost goal of NATO “in an age of global competition.” Moreover, NATO aims to collaborate more closely with its partners in the Asia Pacific region, including New Zealand, Australia, Japan, and South Korea.

Stoltenberg believes that, with the preservation of its core values as the organization’s principal interest, NATO’s outlined approach to the current issues it faces will provide an effective framework to propel NATO forward.
"""


def create_essay(apps, schema_editor):
    from articles.rendering import render_markdown

    Author = apps.get_model("articles", "Author")
    Article = apps.get_model("articles", "Article")
    author, _ = Author.objects.get_or_create(
        slug=AUTHOR_SLUG, defaults={"name": AUTHOR_NAME, "bio": BIO}
    )
    if Article.objects.filter(slug=SLUG).exists():
        return
    Article.objects.create(
        title=TITLE,
        slug=SLUG,
        author=author,
        body=BODY,
        body_html=render_markdown(BODY),
        excerpt=EXCERPT,
        status="published",
        published_at=timezone.now(),
    )


def remove_essay(apps, schema_editor):
    apps.get_model("articles", "Article").objects.filter(slug=SLUG).delete()
    apps.get_model("articles", "Author").objects.filter(slug=AUTHOR_SLUG, articles=None).delete()


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]

    operations = [migrations.RunPython(create_essay, remove_essay)]
