"""The French texts of outgoing mail."""

from __future__ import annotations


def welcome_and_verify(link: str) -> tuple[str, str]:
    return (
        "Bienvenue sur outsend — confirme ton adresse email",
        "Bonjour,\n\n"
        "Bienvenue sur outsend ! Pour lancer tes premiers jobs, confirme ton adresse email :\n\n"
        f"{link}\n\n"
        "Ce lien est valable 48 heures et ne sert qu'une fois.\n"
        "Si tu n'es pas à l'origine de cette inscription, ignore ce message.\n\n"
        "— L'équipe outsend\n",
    )


def verify_again(link: str) -> tuple[str, str]:
    return (
        "Confirme ton adresse email outsend",
        f"Bonjour,\n\nVoici un nouveau lien pour confirmer ton adresse email :\n\n{link}\n\n"
        "Ce lien est valable 48 heures et ne sert qu'une fois.\n\n— L'équipe outsend\n",
    )
