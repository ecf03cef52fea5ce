"""IP pools per APN, the prefixes allocated from them to enterprises, static addresses
for cards, and their utilisation."""
