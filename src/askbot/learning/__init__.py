"""The community teaches the bot: labels on members' questions, quality measured on them, and
the answerability model refitted on them under moderators' control."""
