"""The Discord adapter: cogs turn interactions into core calls and core results into embeds."""
