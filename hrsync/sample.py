"""A synthetic HR file of a whole municipality (the benchmark's and the 7,000-row test's)."""

import random
from datetime import date, timedelta


def municipality_csv(
    *, people: int = 7000, units: int = 150, seed: int = 14, hires_from: date | None = None
) -> bytes:
    """One direktion, 9 områder and the rest afdelinger/teams; people spread over the leaves,
    every leaf with a leader; about a third without e-mail (frontline staff). With
    `hires_from`, every tenth person starts within four weeks of that day (new hires)."""
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
        start = f"{2000 + n % 25}-{1 + n % 12:02d}-01"
        if hires_from is not None and n % 10 == 9:
            start = (hires_from + timedelta(days=n % 28)).isoformat()
        lines.append(f"K{n:05d};Person {n};{email};{phone};{unit};;Medarbejder;{leads};{start};;da")
    return ("\n".join(lines) + "\n").encode()
