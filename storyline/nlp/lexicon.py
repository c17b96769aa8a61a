"""The small multilingual word lists the rule-based NLP stage reads (en, fr, de, es).

Everything language-specific lives here, compiled once at import: speech cue verbs, "according
to" phrases, titles and role nouns for coreference, pronouns, and the words around quote marks
that tell a quotation from a scare quote or a title. Lists are lower case; matching ignores case.
"""

from __future__ import annotations

import re


def _words(spec: str) -> frozenset[str]:
    return frozenset(spec.split())


def _alternation(words: frozenset[str]) -> str:
    """A regex alternation, longest first so multi-word entries win."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


# Verbs (as written, no lemmatizer) that introduce or attribute speech.
CUE_VERBS = _words(
    # English
    "say says said saying tell tells told telling add adds added adding note notes noted noting"
    " explain explains explained explaining claim claims claimed claiming state states stated"
    " stress stresses stressed insist insists insisted insisting warn warns warned warning"
    " argue argues argued arguing declare declares declared reveal revealed reveals emphasize"
    " emphasized emphasizes emphasised emphasise assert asserted asserts announce announced"
    " announces confirm confirmed confirms acknowledge acknowledged admit admits admitted"
    " recall recalled reiterate reiterated reiterates ask asked answer answered reply replied"
    " replies respond responded write wrote writes report reports reported call calls called"
    " describe described describes describing characterize characterized characterizing"
    " characterise characterised dismiss dismissed accuse accused suggest suggested"
    " remark remarked concede conceded maintain maintained promise promised urge urged"
    " predict predicted pledge pledged defend defended defends complain complained"
    " conclude concluded add warned observed observe told disclosed disclose"
    # French
    " dit dire déclare déclaré affirme affirmé ajoute ajouté explique expliqué estime estimé"
    " souligne souligné indique indiqué précise précisé assure assuré annonce annoncé répond"
    " répondu confie confié reconnaît reconnu qualifie qualifié qualifiée juge jugé lance lancé"
    " insiste insisté martèle martelé avertit averti rappelle rappelé dénonce dénoncé"
    " prévient prévenu raconte raconté promet promis admet admis"
    # German
    " sagte sagt sagten erklärte erklärt erklärten betonte betont sprach spricht meinte meint"
    " fügte warnte warnt kritisierte bezeichnete bezeichnet bezeichneten teilte versicherte"
    " räumte forderte nannte berichtete berichteten antwortete"
    # Spanish
    " dijo dice dicen afirmó afirma declaró declara explicó explica añadió añade aseguró"
    " asegura señaló señala indicó indica insistió advirtió reconoció admitió calificó pidió"
    " sostuvo subrayó manifestó precisó comentó respondió contestó"
)
# Cue verbs that take the hearer as object ("told reporters"): what follows is the medium.
ADDRESSEE_CUES = _words("tell tells told telling")
# "according to X" in the four languages (X follows), and postposed German "X zufolge".
ACCORDING_RE = re.compile(r"(?i)\b(?:according to|selon|d['’]après|laut|según|de acuerdo con)\s+")

# Titles and role words that precede a name ("Foreign Minister Sergey Lavrov") and are stripped
# from entity names; also the heads of descriptions ("the minister").
ROLE_NOUNS = _words(
    "minister diplomat president leader official spokesperson spokesman spokeswoman secretary"
    " envoy ambassador chancellor premier mayor governor senator chairman chairwoman chair"
    " executive ceo boss chief director mediator judge commissioner prosecutor"
    " ministre président présidente porte-parole maire médiatrice médiateur directeur directrice"
    " ministerin minister präsident präsidentin sprecher sprecherin bürgermeisterin"
    " bürgermeister schlichterin schlichter ministra presidente portavoz alcaldesa alcalde"
    " mediadora mediador jueza juez"
)
# Description heads that fit any person who holds some title ("the Russian official").
GENERIC_ROLES = _words("official leader responsable funcionario")
# Description heads that stand for another role word ("top diplomat" = foreign minister).
ROLE_SYNONYMS = {"diplomat": "foreign", "leader": "president", "premier": "prime", "boss": "chief"}
TITLE_WORDS = ROLE_NOUNS | _words(
    "mr mr. mrs mrs. ms ms. dr dr. prof prof. sir m. mme herr frau sr. sra. don doña"
    " foreign prime state deputy vice general special first"
)
# Organisation heads for descriptions like "the union" (matched against ORG names).
ORG_HEADS = _words(
    "union agency ministry company firm party government operator federation council"
    " syndicat agence ministère entreprise parti gouvernement gewerkschaft behörde"
    " ministerium unternehmen regierung partei sindicato agencia ministerio empresa gobierno"
)
DETERMINERS = _words(
    "the a an this that its his her their our my your le la les l' l’ un une des du ce cette"
    " ses son sa leur der die das den dem des ein eine einen el los las una unos su sus"
)
PRONOUNS = {"he": "m", "him": "m", "she": "f", "her": "f", "il": "m", "elle": "f"}
PRONOUN_RE = re.compile(r"\b(?:[Hh]e|[Hh]im|[Ss]he|[Hh]er|[Ii]l|[Ee]lle)\b")
# Words after a quoted phrase that show it ended a noun phrase (not modifying the next noun).
FUNCTION_WORDS = _words(
    "in on at to for of from with by and or but as than that which who whom whose when while"
    " because after before since if is was were are has had have will would could should"
    " de du des à au aux et ou mais que qui dont pour dans sur avec par en est était"
    " in im am an auf für von mit und oder aber als dass der die das ist war sei"
    " en el la de del y o pero que con por para es era"
)
# Words just before a quote mark that make the quoted words a name or a word mentioned ("does
# not define 'suspected'"), not speech.
SO_CALLED_RE = re.compile(
    r"(?i)(?:so-called|sogenannte[nmrs]?|so genannte[nmrs]?|dite?s?|llamad[oa]s?|"
    r"denominad[oa]s?|under the (?:title|heading)|the words?|the term|titled|entitled|"
    r"intitulée?s?|define[sd]?|definiert|définit|define)\s*$"
)
# Words before a quoted phrase that attribute it even after a determiner ("as a 'mistake'").
AS_WORDS = _words("as comme als como")

# Words, for set lookups: far faster than one regex alternation of hundreds of verbs.
LETTERS_RE = re.compile(r"[^\W\d_]+")


def cue_matches(text: str, start: int = 0, end: int | None = None) -> list[re.Match[str]]:
    """The cue verbs of `text[start:end]`, as regex matches."""
    return [
        m
        for m in LETTERS_RE.finditer(text, start, len(text) if end is None else end)
        if m.group().lower() in CUE_VERBS
    ]


ROLE_RE = re.compile(rf"(?i)\b(?:{_alternation(ROLE_NOUNS)})\b")
# Words that end an organisation's name ("Corvane Therapeutics", "Valmere Container Terminals").
ORG_SUFFIXES = _words(
    "therapeutics terminals maritime federation association chamber ministry agency union"
    " commission council gmbh ag sa s.a. ltd inc corp group bank"
)
