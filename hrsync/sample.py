"""A synthetic HR file of a whole municipality (the benchmark's and the 7,000-row test's)."""

import random


def municipality_csv(*, people: int = 7000, units: int = 150, seed: int = 14) -> bytes:
    """One direktion, 9 områder and the rest afdelinger/teams; people spread over the leaves,
    every leaf with a leader; about a third without e-mail (frontline staff)."""
    rng = random.Random(seed)
    header = (
        "medarbejdernummer;navn;email;mobil;enhedskode;overordnet_enhedskode;stilling;"
        "leder_for;startdato;slutdato;sprog"
    )
    lines = [header, ";Kommunen;;;U000;;;;;;"]
    areas = [f"U{n:03d}" for n in range(1, 10)]
    lines += [f";Område {code};;;{code};U000;;;;;" for code in areas]
    leaves = [f"U{n:03d}" for n in range(10, units)]
    lines += [f";Enhed {code};;;{code};{rng.choice(areas)};;;;;" for code in leaves]
    for n in range(people):
        unit = leaves[n % len(leaves)]
        leads = unit if n < len(leaves) else ""
        email = "" if n % 3 == 0 else f"person{n}@kommune.example.dk"
        phone = f"+452{n:07d}" if n % 3 != 1 else ""
        year, month = 2000 + n % 25, 1 + n % 12
        lines.append(
            f"K{n:05d};Person {n};{email};{phone};{unit};;Medarbejder;{leads};"
            f"{year}-{month:02d}-01;;da"
        )
    return ("\n".join(lines) + "\n").encode()
