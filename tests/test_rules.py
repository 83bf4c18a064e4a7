"""Forum rules: hypotheticals and the 20-year rule, without declining real history questions."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from askbot.evaluation import RuleQuestionSet
from askbot.factfiles import bundled_facts_dir, load_fact_base
from askbot.rules import (
    HYPOTHETICAL,
    RECENT,
    RECENT_YEARS,
    check_rules,
    is_hypothetical,
    mentions_recent_events,
)

TODAY = date(2026, 11, 21)
ADVERSARIAL_LENGTH = 5_000


@pytest.mark.parametrize(
    "question",
    [
        "What if Yagoda had fled abroad?",
        "what would have happened if Tukhachevsky launched a coup",
        "Would Stalin have stopped the purge if he had known the cost?",
        "Suppose Bukharin had won in 1928, would there have been a terror?",
        "If Trotsky had stayed in power, would the purges have happened?",
        "Could the purge have been stopped?",
        "imagine if yagoda had never been arrested",
        "Had Tukhachevsky fled, would the army have revolted?",
        "In an alternate history where Kirov lived, is there a Great Terror?",
        "would've stalin survived a coup",
        "say hitler had invaded in 1938, does the ussr collapse?",
    ],
)
def test_hypotheticals_are_declined(question: str) -> None:
    assert check_rules(question, TODAY) is HYPOTHETICAL


@pytest.mark.parametrize(
    "question",
    [
        # forum shorthand, in any case
        "WI: Rykov escapes to Paris in 1937",
        "wi - the Red Army marches on the Kremlin in 1937",
        "AH: Zinoviev is acquitted",
        "ah – Kamenev keeps his post",
        "ATL: the Seventeenth Congress elects Kirov",
        "[WI] Molotov resigns in 1936",
        "AH Lenin lives to 1940",
        "Alt-history: Rykov leads the party after 1929",
        "alternate timeline where the NKVD revolts, who wins?",
        "In another timeline Yezhov never rises. Does the terror still come?",
        "Is there a scenario where Kamenev survives the purge?",
        # typed fast, and role play
        "wat if rykov ran away",
        "wht if the plenum said no",
        "if u were tukhachevsky in may 1937 what would u do",
        "If you were Bukharin, would you have confessed?",
        "What would you have done in his shoes?",
        "what would you have done in yagoda's place?",
        "waht if yagoda defected?",
        "Role play: you are Yezhov and I question you",
        "roleplay as Bukharin at his trial",
        # premises opening a clause
        "Imagine Bukharin takes over in 1930",
        "Suppose the plenum votes Stalin out.",
        "Assume Yezhov refuses the job, who runs the NKVD?",
        "Let's say Rykov defects, how does Moscow react?",
        "lets say yagoda takes poison in 1936",
        "Say Kirov wins the 1934 vote, what next?",
        "ok so imagine the army strikes first",
        "Pretend Trotsky never leaves the USSR.",
        "Imagine that Trotsky had won. Does the USSR industrialise?",
        "Say that Stalin died in 1934, what then?",
        "Hypothetically, could Rykov have fled?",
        # counterfactual grammar
        "How would the Red Army have fared if Tukhachevsky had stayed?",
        "How would 1941 have gone without the officer purge?",
        "Had Zinoviev not confessed, would he have lived?",
        "Had Bukharin fled in 1936, the trial never takes place?",
        "Would the Soviet economy have been stronger if Rykov had won?",
        "If Kamenev had held out, what happens at the trial?",
        "If Lenin died later, would Stalin have risen at all?",
        "Is it likely that without Yagoda the show trials would never have been staged?",
        "Could the Great Terror have been averted?",
        "Could Bukharin have won?",
        "What would have happened to Zinoviev?",
        "What happens if Yezhov refuses the order in 1937?",
        "What would happen if Molotov broke with Stalin in 1937?",
        "Would the USSR be richer today if Bukharin won the argument in 1928?",
        "Would Rykov have been spared had he confessed sooner?",
        "How would the army look in 1941, had Tukhachevsky survived?",
        "If Stalin knew about the dossier, would he have acted sooner?",
        "Do you think the officer purge could have been prevented?",
        "Were Yezhov to refuse, would Stalin find another?",
        # typos, contractions and capitals
        "the trials wouldve happened without vyshinsky?",
        "what would of happened to rykov",
        "what would’ve happened to Kamenev without the 1936 trial?",
        "COULD THE ARMY PURGE HAVE BEEN STOPPED?",
        "WOULD THE TERROR HAVE HAPPENED W/O YEZHOV",
        "if he'd refused, would Rykov have been shot?",
        # no "if": the outcome, or the verdict on a life not lived
        "Could Trotsky have outmanoeuvred Stalin in 1927?",
        "What should Zinoviev have done in 1936?",
        "Would Kirov have made a better leader than Stalin?",
        "Was another outcome likely had Kirov lived?",
        "Should Bukharin have refused to confess in 1938?",
        "What would Trotsky have thought of the trials if he had stayed in power?",
        # the forum asked to imagine itself there
        "If you could interview Yezhov, what would you ask?",
        "Answer in character as Yezhov: why did you arrest Yagoda?",
        "Write me a letter as Bukharin on the eve of his trial.",
    ],
)
def test_what_if_shorthand_premises_and_counterfactual_grammar_are_declined(
    question: str,
) -> None:
    assert is_hypothetical(question)
    assert check_rules(question, TODAY) is HYPOTHETICAL


@pytest.mark.parametrize(
    "question",
    [
        "did Stalin know a million people would die?",
        "Did Molotov say they would have to treat Tukhachevsky mercilessly?",
        "did he know the purge would have such consequences?",
        "Had Yagoda met Romain Rolland?",
        "In 1937 could anyone be arrested?",
        "did Serge say if Sosnovsky was shot?",
        "Did Serge say Sosnovsky had been shot?",
        "Supposedly Yagoda followed Stalin everywhere, is that true?",
        "What happened in 1937 and 1938?",
        "why was Yagoda arrested in 1937",
        "sorry if this is a dumb question, but did the terror just happen?",
        "apologies if this is obvious, but did the purge happen by accident?",
        "Did Stalin ask Yezhov if he would sign the lists?",
        "if you were arrested in 1937, what happened to your family?",
        "If you were a kulak in 1930, where were you sent?",
        "Had Yagoda been arrested yet when Bukharin was tried?",
    ],
)
def test_real_history_questions_are_not_declined(question: str) -> None:
    assert check_rules(question, TODAY) is None


@pytest.mark.parametrize(
    "question",
    [
        # "would", "could", "if" and "had" in questions about what actually happened
        "Did Yezhov realise he would be next?",
        "Why would the NKVD arrest its own chief?",
        "Could a party member be expelled in 1936 for one joke?",
        "What did Trotsky believe would become of the Old Bolsheviks?",
        "What did Rykov expect would happen at his trial?",
        "If Yezhov ran the NKVD, why was he removed in 1938?",
        "Why did Vyshinsky claim the verdicts would be fair?",
        "Was Bukharin afraid he would be shot?",
        "How could the Politburo sign so many death lists?",
        "Had Yezhov visited Butovo?",
        "Had the purge begun by 1936?",
        "In 1936, had Yagoda lost Stalin's trust?",
        "What happened if a prisoner refused to sign?",
        "Would a prisoner be shot if he withdrew his confession?",
        "Why was Rykov tried if he had already recanted?",
        "If I want to read about the trials, what would you recommend?",
        "Was Zinoviev shot, and if so, when?",
        "What did Stalin fear would happen if Kirov grew popular?",
        "If Yezhov thought he would be purged, why did he carry on?",
        "Could Yagoda have defended himself?",
        "Might Yagoda have poisoned Gorky?",
        "Stalin must have known, surely?",
        "What did Serge imagine about Yagoda in prison?",
        "Say what you will about Yezhov, was he efficient?",
        "Assuming Serge is right, why was Yagoda shot?",
        "Ah, I see. Who was Yezhov?",
        "Will you tell me who Rykov was?",
        "Was Kolyma a different world for prisoners?",
        "Were the purges to blame for 1941, would you say?",
        # Borderline, kept answerable: "what would X have known/eaten/seen" asks about the
        # typical experience of people at the time, which did happen, not about an altered past;
        # no antecedent is changed, so it is a question r/AskHistorians answers.
        "What would a Moscow factory worker have known about the 1937 trials?",
        "How would a prisoner have travelled to Kolyma?",
        "What would have happened to a deserter in 1942?",
        "What if anything did Rykov say in his last plea?",
        "Why did Bukharin think he should have done more?",
        "Did Rykov make a good premier?",
        "How did Yezhov escape arrest until 1939?",
        "Tukhachevsky was arrested in May 1937; does he appear in Serge's article?",
        "Was the NKVD going to try Yagoda in secret?",
        "Could the NKVD have beaten Tukhachevsky into confessing?",
        "Who led the RP in 1930?",
    ],
)
def test_would_could_and_if_in_real_history_are_not_declined(question: str) -> None:
    assert not is_hypothetical(question)
    assert check_rules(question, TODAY) is None


@pytest.mark.parametrize(
    "question",
    [
        "Is the 2022 invasion of Ukraine like the purges?",
        "what happened to Memorial in 2021",
        "What did Putin say at Butovo in 2007 about 1937?",
        "how do russians see stalin in the 2010s",
        "did they close the gulag museum last year?",
        "Has Russia been cancelling rehabilitations over the last few years?",
        "What happened in Ukraine (2022)?",
        "What did the UN say about Crimea (2014)?",
        "Will Russia ever apologise for what happened in 1937?",
    ],
)
def test_events_of_the_last_twenty_years_are_declined(question: str) -> None:
    assert check_rules(question, TODAY) is RECENT


@pytest.mark.parametrize(
    "question",
    [
        "How are the purges taught in Russian schools now?",
        "How do Russians view Yezhov today?",
        "Do Russian textbooks still mention the Terror?",
        "Is Stalin popular in Georgia?",
        "Why is Stalin still honoured in Russia?",
        "Is the Memorial society still banned?",
        "Was Memorial closed because of its Terror archive?",
        "Does the Kremlin rehabilitate Stalin these days?",
        "What does Zelensky say about the Holodomor?",
        "Why did Navalny criticise Stalin?",
        "What did Russia do during Medvedev's presidency about Katyn?",
        "Is the war in Ukraine a repeat of 1937?",
        "How does the annexation of Crimea compare with 1939?",
        "Is the Terror discussed in current Russian elections?",
        "How does modern Russia remember Kolyma?",
        "Is contemporary Ukraine removing Soviet monuments?",
        "Is there a present-day Stalin cult?",
        "Are Stalin statues going up at the moment?",
        "What is Russian TV saying about the Terror right now?",
        "How is 1937 remembered nowadays?",
        "Stalin's reputation in the 2020s",
        "Has Stalin's image changed in the twenty-first century?",
        "what is the current status of the mass graves at Butovo?",
        "Is the Terror being compared to the current crackdown on protests?",
        "Have they taken down the Dzerzhinsky statue yet?",
        "Have they put Stalin back on the banknotes yet?",
        "has russia declassified the katyn files yet?",
        "why did the russian supreme court close memorial?",
        "why did russia invade ukraine?",
        "Can you still visit Memorial's library after its liquidation?",
        "Will Russia ever officially apologise for Katyn?",
        "will russia ever admit katyn fully?",
        "is it true that stalin is popular in russia?",
        "Is Ukraine opening the KGB archives these days?",
        # "recently", "going to", "'s current", and the present tense with still / now / today
        "Has Georgia recently moved Stalin's statue in Gori?",
        "Is the Kremlin going to reopen the archives?",
        "What is the Kremlin's current line on Katyn?",
        "is the Last Address project still running?",
        "Are the camp barracks at Perm still open to visitors?",
        "how many russians today want a new Stalin monument?",
        # currently / lately / right now, archives or not; today's office holders and polls
        "Can researchers currently get into the FSB archives?",
        "Why are Stalin busts going up in Russian towns lately?",
        "Are the NKVD case files open right now?",
        "Who is the current head of the FSB?",
        "What did the latest Levada poll find about Stalin?",
        "What does the current Georgian government do with the Gori museum?",
        "Who heads the FSB?",
        "Does Russia recognise the Holodomor as genocide?",
        # a bracketed year after a politician or a place is news, not a citation
        "Was Medvedev right about Katyn (2010)?",
        "According to Medvedev (2010), who ordered Katyn?",
        "Why did the Duma's Katyn statement (2010) blame Stalin?",
        # a question that is all one quotation is the member's own
        '"Who is the current head of the FSB?"',
        "Are the NKVD files on the '30s currently open to researchers?",
    ],
)
def test_present_day_questions_without_a_year_are_declined(question: str) -> None:
    assert mentions_recent_events(question, TODAY)
    assert check_rules(question, TODAY) is RECENT


@pytest.mark.parametrize(
    "question",
    [
        "How did Khrushchev's Russia remember the Terror?",
        "What did Muscovites think of Yezhov at the time?",
        "Is Yezhov still considered a scapegoat?",
        "Why is the Yezhovshchina now called the Great Terror?",
        "Who led Russia right after Lenin?",
        "What did Molotov say in 1986?",
        "Is the AskHistorians answer on Tukhachevsky reliable?",
        "What do historians now think of Yezhov?",
        "In recent years, have historians changed their view of Yagoda?",
        "What did Roy Medvedev write about the purges?",
        "What happened in the last year of Yezhov's life?",
        "At the moment of his arrest, was Rykov at home?",
        "What did contemporary Russian newspapers say about the 1938 trial?",
        "Was the USSR a modern state?",
        "What is the Russian word for a purge?",
        "Is Russia the same as the USSR?",
        "Where is Yezhov buried today?",
        "How was the German invasion of Ukraine in 1941 planned?",
        "How did Stalin's war in Ukraine against the UPA end?",
        "Why does Serge say Stalin is popular in Russia?",
        "In these days of terror, who felt safe?",
        "How many died? 2010 people?",
        # a recent book about old events is historiography
        "what does kotkin's 2017 biography say about the terror?",
        "i read khlevniuk's 2015 stalin biography, is it reliable?",
        "What does Khlevniuk's 'Master of the House' (2009) say about the Politburo?",
        "what did Kotkin argue in Waiting for Hitler (2017)?",
        "What does Conquest's 'The Great Terror' (1968) say about Yezhov?",
        "What did Snyder argue in Bloodlands (2010)?",
        "Has the question of who killed Kirov been settled yet?",
        "Have historians found Yagoda's interrogation file yet?",
        # research findings are history, however recent the finding
        "has the execution list for tukhachevsky been published yet?",
        "how many victims of the great purge have been identified so far?",
        "how many people have been rehabilitated to date?",
        "has anyone found tukhachevsky's grave yet?",
        "have they ever found the execution list for Tukhachevsky?",
        "how did people in his shoes at the time usually react?",
        "who was appointed in his place after yagoda fell?",
        "was the memorial at levashovo closed in the soviet era?",
        "How did the Bolsheviks invade Ukraine in 1919?",
        # asking the forum in the present tense about a past view
        "is it true that stalin was popular in russia in 1937?",
        "does anyone know how the purges were portrayed in russian newspapers?",
        "can someone explain how stalin was viewed in russia in the 1930s?",
        "can anyone tell me how yagoda was seen by ordinary russians?",
        "How many officers had been shot so far by 1938?",
        # still / now / recently / ago in the past
        "Had Yagoda recently been moved to Posts and Telegraphs when he was arrested?",
        "Was the purge still going on in 1939?",
        "Why did Serge say the old Bolsheviks are still dangerous?",
        "Is it true that Yagoda was still head of the NKVD when Kirov was shot?",
        "so now, who took over from Yagoda?",
        "Are there still doubts about who killed Kirov?",
        "In the third trial, is Bukharin still defiant?",
        "I'm still confused about why Zinoviev confessed.",
        "I've recently started reading about the trials. Who was Radek?",
        # a place named as it is today, and a sentence dated to the past
        "Sosnovsky was exiled to Barnaul, in what is now Altai Krai. Why there?",
        "Was Lviv, in what is Ukraine today, Polish during the purges?",
        "The Solovki monastery, which is now a museum, was the first big camp. Who ran it?",
        "Why is Yenukidze still in office in early 1935?",
        "In 1938 the Czechs asked: are the Russians going to honour the treaty?",
        # views held now of the past, the member's own doing, a name given in passing
        "What do historians currently think about the death toll?",
        "Currently reading Kotkin. Who was Yezhov?",
        "I've been reading about Yagoda lately - who was he?",
        "Who was the current head of the NKVD when Kirov was shot?",
        "Nowadays it's called the Great Terror, but what did people call it in 1937?",
        # a recent book's year in brackets
        "Is Kotkin (2017) right that Stalin believed in the plots?",
        "How does Khlevniuk's Master of the House (2009) describe the Politburo?",
        "Is Kotkin's Stalin (2014) worth reading?",
        "Why should Stalin have feared Tukhachevsky?",
        "If you could recommend one book on the purges, which would it be?",
        "Was the confession in character for Bukharin?",
        "Did Bukharin write a letter as he awaited execution?",
        # found by attacking the rules: the present seen from the past, requests, namesakes
        "Why does Tukhachevsky, lately promoted to Marshal, get arrested two years later?",
        "What does 'currently under investigation' mean in the 1937 arrest protocols?",
        "Beria, the current head of the NKVD after Yezhov, releases prisoners in 1939: how many?",
        "How does Trotsky in The Revolution Betrayed describe the current Soviet regime?",
        "Which part of Ukraine today corresponds to the Kharkov oblast of 1932?",
        "What's the best book currently available on Yezhov?",
        "What are historians currently debating about the Holodomor?",
        "If you could talk a bit about how Yezhov fell in 1938, that would be great.",
        "If I could ask a follow-up: why did Yagoda confess at the 1938 trial?",
        "Shouldn't Trotsky have been in Mexico by 1937, not Norway?",
        "What should a kolkhoz chairman have done, by law, when the quota was not met?",
        "Why was Yuri Levada forced out of the Institute of Sociology in 1972?",
        "Khlevniuk (2015) says Stalin signed 383 lists: where does the number come from?",
        "According to Kotkin (2017), why did Stalin order Tukhachevsky's arrest?",
        "Stalin approved most of the lists (Khlevniuk 2015, p. 166). Is this widely accepted?",
        "Is The Death of Stalin (2017) accurate about how Beria was arrested?",
        "Bloodlands came out in 2010: how well has its account of the Terror held up?",
        "What do historians in Russia today think of Yezhov?",
        "Who heads the Duma after the 1905 revolution?",
        "Can you write me a poem about the Gulag?",
    ],
)
def test_history_in_the_present_tense_is_not_declined(question: str) -> None:
    assert not mentions_recent_events(question, TODAY)
    assert check_rules(question, TODAY) is None


def test_the_twenty_year_boundary_moves_with_today() -> None:
    assert check_rules("What happened in 2006?", TODAY) is RECENT
    assert check_rules("What happened in 2005?", TODAY) is None
    assert check_rules("What happened in 2006?", date(2027, 1, 1)) is None


def test_named_present_day_events_age_out_with_today() -> None:
    question = "Why did Yanukovych flee Kyiv?"
    assert check_rules(question, TODAY) is RECENT
    assert check_rules(question, date(2014 + RECENT_YEARS + 1, 1, 1)) is None
    assert check_rules("What did Putin say about Stalin?", date(2060, 1, 1)) is RECENT


def crafted(unit: str, tail: str = "", head: str = "") -> str:
    """head + unit repeated + tail, at least ADVERSARIAL_LENGTH characters long."""
    count = -(-(ADVERSARIAL_LENGTH - len(head) - len(tail)) // len(unit))
    return head + unit * count + tail


@pytest.mark.parametrize(
    ("question", "rule"),
    [
        (crafted("if had ", "Why was Yagoda arrested?"), None),
        (crafted("would ", "have happened if Kirov lived?"), HYPOTHETICAL),
        (crafted("say ", "Yagoda was shot?", head="Did Serge "), None),
        (crafted("Say ", "Kirov lives, what happens?"), HYPOTHETICAL),
        (crafted("Had Kirov, ", "met Rolland?"), None),
        (crafted("if Kirov had, would ", "?"), HYPOTHETICAL),  # "if Kirov had [lived], would"
        (crafted("the last few ", "years"), RECENT),
        (crafted("1937, ", "and now is Russia honouring Stalin?"), RECENT),
        (crafted("U.S.S.R. ", "Who was Yagoda?"), None),
        (crafted("a'"), None),
    ],
)
def test_long_adversarial_questions_are_still_classified(question: str, rule: object) -> None:
    # speed is measured in bench/rules_speed.py, not asserted here
    assert len(question) >= ADVERSARIAL_LENGTH
    assert check_rules(question, TODAY) is rule


def test_no_curated_question_breaks_a_rule() -> None:
    fact_base = load_fact_base(bundled_facts_dir())
    declined = [
        (text, rule.name)
        for entry in fact_base.entries
        for text in (entry.question, *entry.also_asked)
        if (rule := check_rules(text, TODAY)) is not None
    ]
    assert declined == []


def test_no_history_question_of_the_rule_set_is_declined() -> None:
    # tests/data/rules_questions.yaml: real history laid as traps for the rules ("would", "if",
    # "still", "today", recent books' years); bench/rules_quality.py reports the rest of the set
    question_set = RuleQuestionSet.load(Path(__file__).parent / "data" / "rules_questions.yaml")
    history = [q.q for q in question_set.questions if q.expect == "history"]
    assert len(history) == 300
    declined = [q for q in history if check_rules(q, question_set.written) is not None]
    assert declined == []


def test_rules_carry_their_text_and_a_hint() -> None:
    for rule in (HYPOTHETICAL, RECENT):
        assert rule.text and rule.hint and rule.hint != rule.text
