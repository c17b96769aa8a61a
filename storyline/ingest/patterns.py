"""A small multilingual pattern list for boilerplate lines.

These are the kinds of line every news site wraps around its stories, in the languages
storyline reads (en, de, fr, es, it, pt, nl, tr, ru, uk). They are deliberately generic: each
names a *kind* of line (an ad slot, a photo credit, a language switcher), never a sentence of
one site. Position and shape features in `lines.py` do the rest.
"""

from __future__ import annotations

import re


def _wordset(text: str) -> frozenset[str]:
    """A set of words written as one whitespace-separated string (easier to read and edit)."""
    return frozenset(text.split())


# Two-letter language codes seen in language switchers ("ua en ru", "EN | DE | FR").
LANGUAGE_CODES = _wordset(
    "ar bg cs da de el en es et fi fr he hr hu it ja ka kk ko lt lv nl no pl pt ro ru sk sl sr "
    "sv tr ua uk zh by be az hy"
)
LANGUAGE_NAMES = _wordset(
    "english deutsch français francais español espanol italiano português русский українська "
    "türkçe polski nederlands"
)

AD_PLACEHOLDER = re.compile(
    r"^\W*(advertisement|advertising|sponsored( content)?|anzeige|werbung|publicité|publicidad|"
    r"pubblicità|publicidade|reklam|реклама|реклама на сайте|ad)\b"
    r"|\b(loading|yükleniyor|wird geladen|chargement|cargando|caricamento|carregando|загрузка)\b",
    re.IGNORECASE,
)
FULL_VERSION = re.compile(
    r"\b(full (version|story|article)|read (the )?(full|more|rest)|continue reading|"
    r"vollständige (version|fassung)|weiterlesen|mehr lesen|version (complète|intégrale)|"
    r"lire la suite|lire (aussi|plus)|à lire aussi|versión completa|leer más|lea también|"
    r"versione completa|leggi (anche|tutto)|полная версия|читать (далее|полностью|также)|"
    r"читайте также|повна версія|read also|see also|related\s*:|lesen sie auch|"
    r"mehr zum thema)(?!\w)",
    re.IGNORECASE,
)
PHOTO_CREDIT = re.compile(
    r"(^|\s|\.|\()(photo|photos|photograph|picture|image|foto|fotos|bild|crédit|credit|"
    r"crédito|illustration|фото|світлина)\s*(:|\b(credit|by|von|de)\b)"
    r"|\((getty images|afp|reuters|ap photo|epa|dpa|shutterstock)[^)]*\)\s*$"
    r"|^(©|\(c\))\s*\S.*(photo|foto|images?|agency|agentur)",
    re.IGNORECASE,
)
BYLINE = re.compile(
    r"^\W*(?i:by|author|authors|written by|reporting by|von|autor|autorin|par|por|di|da|автор|"
    r"авторка|текст)(?:\s*[:\-–]\s*|\s+)"
    r"(?P<name>[A-ZÀ-ÖØ-ÞА-ЯІЇЄ][\w'’.\-]+(\s+(and|und|et|y|e|и)?\s*"
    r"[A-ZÀ-ÖØ-ÞА-ЯІЇЄ][\w'’.\-]+){0,4})\s*(,.*)?$"
)
# "Jane Roe, Industry Correspondent": a name followed by a newsroom role.
BYLINE_ROLE = re.compile(
    r"^(?P<name>[A-ZÀ-Þ][\w'’.-]+(?:\s+[A-ZÀ-Þ][\w'’.-]+){1,3}),\s+[\w\s-]{0,30}\b(?i:"
    r"correspondent|editor|reporter|writer|journalist|columnist|analyst|staff|"
    r"korrespondent\w*|redakteur\w*|reporter\w*|journaliste|rédact\w+|envoyée? spéciale?|"
    r"corresponsal|redactor\w*|periodista)$"
)
LEGAL = re.compile(
    r"\b(disclaimer|without warranty|liabilit|all rights reserved|copyright|terms of (use|service)|"
    r"privacy policy|cookie|cookies|impressum|datenschutz|nutzungsbedingungen|alle rechte|"
    r"droits réservés|mentions légales|politique de confidentialité|derechos reservados|"
    r"aviso legal|política de privacidad|tutti i diritti|все права защищены|"
    r"усі права захищені|unsubscribe|newsletter|sign up|subscribe|abonnieren|abonnez|"
    r"suscríbete|follow us|folgen sie uns|suivez-nous|síguenos|share (this|on)|teilen|partager|"
    r"compartir|for information only|does not constitute|nur zu informationszwecken|"
    r"à titre informatif|rechte vorbehalten)\b|©",
    re.IGNORECASE,
)
LEGAL_LOWER = re.compile(LEGAL.pattern)  # for lowercased text: several times cheaper
COMMENT_POLICY = re.compile(
    r"\b(comments?|kommentare?|commentaires?|comentarios?|commenti|комментари\w*|коментар\w*)\b"
    r".*\b(respect\w*|rude|offensive|abusive|polic\w*|guidelines?|moderat\w*|users?|nutzer\w*|"
    r"utilisateurs?|usuarios?|respektvoll|beleidigend|injurieux|ofensiv\w*|правила|closed|"
    r"disabled|geschlossen|geprüft|prüf\w*|fermés?|vérifiés?|cerrad\w*|legal)\b",
    re.IGNORECASE,
)
# One-word site chrome in many languages; anything short at the top or bottom is checked by
# position in `lines.py`, this list only catches chrome in the middle of a page.
CHROME_WORDS = _wordset(
    """search menu home news share tweet print email e-mail login signin register
    subscribe close back top next previous comments comment reply admin more tags topics
    suche startseite nachrichten teilen drucken anmelden schließen zurück weiter
    rechercher accueil actualités partager imprimer connexion fermer retour suivant
    buscar inicio noticias compartir imprimir cerrar volver siguiente
    cerca notizie condividi stampa
    поиск главная новости поделиться печать войти
    facebook twitter x whatsapp telegram linkedin reddit"""
)
# Notes about the article rather than the story: credits, syndication, editing.
CREDITS = re.compile(
    r"^\(?(additional |further )?(reporting|writing|editing|compiled|translated|translation) by\b"
    r"|\b(originally|first) (published|appeared)\b|\berschien zuerst\b|\bzuerst erschienen\b"
    r"|\bpublié (initialement|d'abord)\b|\bpublicado originalmente\b"
    r"|\bedited for (length|clarity)\b|\bgekürzt und redigiert\b|\bwurde gekürzt\b"
    r"|\b(mitarbeit|übersetzung|traduction|traducción)\s*:",
    re.IGNORECASE,
)
URL_LINE = re.compile(r"^(https?://|www\.)\S+$|^[\w-]+(\.[\w-]+)+/\S*$")
NAV_SEPARATORS = re.compile(r"\s{2,}|\s*[|•·›»>/]\s*")
BULLET = re.compile(r"^\s*[•·▪◦●\-–—*|>»]+\s*")
TERMINAL_PUNCT = ".!?…:;\"”»'’)。！？"

# Date and time vocabulary: a line made only of these and digits is a timestamp line.
DATE_WORDS = _wordset(
    """january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec
    monday tuesday wednesday thursday friday saturday sunday mon tue wed thu fri sat sun
    januar februar märz april mai juni juli august september oktober november dezember
    montag dienstag mittwoch donnerstag freitag samstag sonntag
    janvier février mars avril mai juin juillet août septembre octobre novembre décembre
    lundi mardi mercredi jeudi vendredi samedi dimanche
    enero febrero marzo abril mayo junio julio agosto septiembre setiembre octubre noviembre
    diciembre lunes martes miércoles jueves viernes sábado domingo
    gennaio febbraio aprile maggio giugno luglio settembre ottobre dicembre
    января февраля марта апреля мая июня июля августа сентября октября ноября декабря
    січня лютого березня квітня травня червня липня серпня вересня жовтня листопада грудня
    gmt utc cet cest est edt pst msk bst am pm h uhr heure heures hrs
    updated published posted last modified veröffentlicht aktualisiert stand publié mis à jour
    le am um de del à a at on of the publicado actualizado pubblicato aggiornato
    опубликовано обновлено года г"""
)
