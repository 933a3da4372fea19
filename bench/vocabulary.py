"""Danish words the generator builds names, titles and texts from."""

FIRST_NAMES = (
    "Anne Mette Hanne Lone Susanne Karen Kirsten Marianne Tina Camilla Louise Maria Sofie Ida "
    "Emma Julie Fatima Aylin Jens Peter Lars Søren Henrik Thomas Michael Anders Jesper Mads "
    "Niels Rasmus Mikkel Kasper Ahmed Ali Omar Morten Bo Per Ole Jan"
).split()
LAST_NAMES = (
    "Hansen Jensen Nielsen Pedersen Andersen Christensen Larsen Sørensen Rasmussen Jørgensen "
    "Petersen Madsen Kristensen Olsen Thomsen Christiansen Poulsen Johansen Møller Mortensen "
    "Yilmaz Hussein Karlsen Frederiksen Lund Holm Schmidt Eriksen Berg Dahl"
).split()

# Område, its afdelinger (name stems) and the job titles of its people.
AREAS = (
    (
        "Ældre og Sundhed",
        ("Hjemmeplejen", "Plejecenter", "Sygeplejen", "Træning", "Madservice"),
        ("Social- og sundhedshjælper", "Social- og sundhedsassistent", "Sygeplejerske",
         "Ernæringsassistent", "Fysioterapeut", "Ergoterapeut"),
    ),
    (
        "Børn og Unge",
        ("Børnehuset", "Vuggestuen", "Skolen", "Klubben", "SFO"),
        ("Pædagog", "Pædagogmedhjælper", "Lærer", "Skolesekretær"),
    ),
    (
        "Teknik, Miljø og Ejendomme",
        ("Rengøring", "Vej og Park", "Driftsgården", "Ejendomsservice", "Genbrugspladsen"),
        ("Rengøringsassistent", "Anlægsgartner", "Chauffør", "Håndværker", "Pedel"),
    ),
    (
        "Kultur, Fritid og Borgerservice",
        ("Borgerservice", "Biblioteket", "Idrætscentret", "Kulturhuset", "Musikskolen"),
        ("Administrativ medarbejder", "Bibliotekar", "Servicemedarbejder", "Musiklærer"),
    ),
    (
        "Social og Beskæftigelse",
        ("Jobcentret", "Bostedet", "Socialpsykiatrien", "Misbrugscentret", "Handicapcentret"),
        ("Socialrådgiver", "Socialpædagog", "Jobkonsulent", "Administrativ medarbejder"),
    ),
)  # fmt: skip
PLACES = (
    "Nord Syd Øst Vest Korsør Skælskør Slagelse Dalmose Vemmelev Boeslunde Hashøj Sorø Bjerge "
    "Havrebjerg Kirkerup Sørbymagle Eggeslevmagle Tårnborg Frølunde Stillinge"
).split()
TEAM_WORDS = ("Team", "Gruppe", "Hus", "Afsnit", "Stue")
STAFF_TITLES = {
    "hr": "HR-konsulent",
    "communications": "Kommunikationsmedarbejder",
    "admin": "IT-supporter",
}

TOPICS = (
    "ny vagtplan", "sommerfest", "influenzavaccination", "arbejdsmiljø", "nye arbejdssko",
    "ombygning", "IT-nedbrud", "budget 2025", "kørsel i vinterføre", "hygiejne", "MED-valg",
    "trivselsmåling", "nye kolleger", "kursusdag", "personalemøde", "elevplaner",
    "Kernefortællingen", "tavshedspligt", "ferieplanlægning", "nyt telefonsystem",
)  # fmt: skip
OPENERS = (
    "Nyt om",
    "Husk",
    "Info om",
    "Opdatering:",
    "Velkommen til",
    "Status på",
    "Sådan gør du:",
)
MEETINGS = ("Personalemøde", "MED-udvalg", "Teammøde", "Ledermøde", "Arbejdsmiljøgruppe")
EVENT_PLACES = ("Kantinen", "Store mødesal", "Rådhuset", "Idrætscentret", "Online (Teams)")
PARAGRAPHS = (
    "Vi har brug for, at alle læser dette, før næste vagt.",
    "Spørg din nærmeste leder, hvis du er i tvivl om noget.",
    "Der er kage i pauserummet fredag kl. 14.",
    "Ændringen gælder fra den første i næste måned.",
    "Tak for jeres store indsats i en travl periode.",
    "Husk at registrere din tid i systemet senest fredag.",
    "Kernefortællingen handler om **Beliggenhed**, **Det gode liv** og **Uddannelse**.",
    "Læs mere på [intranettet](https://www.slagelse.dk/).",
)
