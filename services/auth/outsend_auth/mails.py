"""The French texts of outgoing mail: ``(subject, body)`` pairs."""

from __future__ import annotations

SIGNATURE = "— L'équipe outsend\n"
NOT_YOU = (
    "Si tu n'es pas à l'origine de ce changement, réinitialise ton mot de passe tout de suite "
    "et réponds à ce message pour nous prévenir.\n\n"
)


def welcome_and_verify(link: str) -> tuple[str, str]:
    return (
        "Bienvenue sur outsend — confirme ton adresse email",
        "Bonjour,\n\n"
        "Bienvenue sur outsend ! Pour lancer tes premiers jobs, confirme ton adresse email :\n\n"
        f"{link}\n\n"
        "Ce lien est valable 48 heures et ne sert qu'une fois.\n"
        "Si tu n'es pas à l'origine de cette inscription, ignore ce message.\n\n" + SIGNATURE,
    )


def verify_again(link: str) -> tuple[str, str]:
    return (
        "Confirme ton adresse email outsend",
        f"Bonjour,\n\nVoici un nouveau lien pour confirmer ton adresse email :\n\n{link}\n\n"
        "Ce lien est valable 48 heures et ne sert qu'une fois.\n\n" + SIGNATURE,
    )


def password_reset(link: str) -> tuple[str, str]:
    return (
        "Réinitialise ton mot de passe outsend",
        "Bonjour,\n\n"
        "Quelqu'un (toi, sans doute) a demandé à réinitialiser le mot de passe de ton compte outsend. "
        "Pour choisir un nouveau mot de passe :\n\n"
        f"{link}\n\n"
        "Ce lien est valable 1 heure et ne sert qu'une fois. Une fois le mot de passe changé, "
        "toutes tes sessions ouvertes sont fermées.\n"
        "Si tu n'as rien demandé, ignore ce message : ton mot de passe actuel reste valable.\n\n" + SIGNATURE,
    )


def password_changed() -> tuple[str, str]:
    return (
        "Ton mot de passe outsend a été modifié",
        "Bonjour,\n\n"
        "Le mot de passe de ton compte outsend vient d'être modifié. Les autres sessions ouvertes "
        "ont été fermées et les clés API du compte révoquées : crée de nouvelles clés pour tes "
        "intégrations.\n\n" + NOT_YOU + SIGNATURE,
    )


def account_deleted() -> tuple[str, str]:
    return (
        "Ton compte outsend a été supprimé",
        "Bonjour,\n\n"
        "Ton compte outsend a été supprimé, comme tu l'as demandé. Tes jobs, leurs fichiers de "
        "résultats, tes pipelines, tes veilles, tes clés API et tes sessions sont effacés ; tes "
        "conversations avec l'équipe sont conservées sans ton nom ni ton adresse.\n\n"
        "Cet email est le dernier que tu recevras de notre part. Merci d'avoir utilisé outsend.\n\n" + SIGNATURE,
    )


def ai_spending_alert(window: str, level: int, cap: str, spent: str) -> tuple[str, str]:
    """80 % or 100 % of a daily or monthly AI cap (``window`` is ``jour`` or ``mois``)."""
    reset = "à 00:00 UTC" if window == "jour" else "le 1er du mois (UTC)"
    if level >= 100:
        return (
            f"Plafond IA du {window} atteint",
            "Bonjour,\n\n"
            f"Tes fonctions IA ont dépensé {spent} $ ce {window}, soit ton plafond de {cap} $. "
            f"Elles sont en pause jusqu'à la remise à zéro {reset}, ou jusqu'à ce que tu relèves "
            "le plafond dans Paramètres → Plafonds de dépenses IA.\n\n" + SIGNATURE,
        )
    return (
        f"80 % de ton plafond IA du {window}",
        "Bonjour,\n\n"
        f"Tes fonctions IA ont dépensé {spent} $ ce {window}, soit {level} % de ton plafond de {cap} $. "
        f"Une requête qui le dépasserait sera refusée avant l'appel ; remise à zéro {reset}.\n\n" + SIGNATURE,
    )
