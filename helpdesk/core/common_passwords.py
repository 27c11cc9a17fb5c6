"""Passwords too common to accept: the classic most-used ones, keyboard runs, Russian favourites.

Our own short list (no third-party word lists). Checked case-insensitively, and also as typed with the
wrong keyboard layout: "gfhjkm" is "пароль" typed on a Latin layout, "йцукен" is "qwerty" on a Russian one.
"""

from __future__ import annotations

_WORDS = """
123456 1234567 12345678 123456789 1234567890 12345678910 0123456789 0987654321 9876543210 987654321
111111 1111111 11111111 111111111 1111111111 000000 0000000000 121212 123123 123123123 123321 123654
112233 654321 666666 696969 7777777 777777 888888 999999 1212121212 1234512345 1122334455 1q2w3e
1q2w3e4r 1q2w3e4r5t 1q2w3e4r5t6y 1qaz2wsx 1qaz2wsx3edc zaq12wsx zaq1zaq1 zaq12wsxcde3 q1w2e3r4 q1w2e3r4t5
qwerty qwerty1 qwerty12 qwerty123 qwerty1234 qwerty12345 qwerty123456 qwertyu qwertyui qwertyuiop
qwertyuiop123 asdfgh asdfghjk asdfghjkl asdf1234 zxcvbn zxcvbnm zxcvbnm123 qazwsx qazwsxedc
qazwsxedcrfv 1qazxsw2 asdasd asdasdasd qweqwe qweqweqwe qwe123 qwe123qwe qweasd qweasdzxc
qweasdzxc123 abc123 abcd1234 abcdef abcdefg abcdefgh abcdefghij a1b2c3 a1b2c3d4 aa123456 aaaaaa
aaaaaaaaaa password password1 password12 password123 password1234 passw0rd p@ssw0rd p@ssword
passwordpassword pass1234 pass12345 mypassword admin admin1 admin123 admin1234 admin12345 administrator
administrator1 root root123 toor letmein letmein123 welcome welcome1 welcome123 login login123
changeme changeme123 default guest guest123 test test123 test1234 testtest user user123 secret
secret123 master master123 superman batman spiderman iloveyou iloveyou1 iloveyou123 trustno1 monkey
dragon football baseball basketball soccer hockey princess sunshine shadow michael jennifer jordan
ashley hunter ranger buster thomas tigger charlie killer pepper freedom whatever starwars computer
internet helpdesk helpdesk123 support support123 service service123 office office123 company
company123 hello hello123 helloworld loveme lovely flower donald mustang access access123
nothing forever
пароль пароль1 пароль123 пароль1234 парольпароль йцукен йцукен1 йцукен123 йцукенгшщз йцукенгшщзхъ
фывапролд фывапролдж ячсмить ячсмитьбю любовь любовь123 наташа наташа123 марина катя катюша
привет привет123 солнышко солнце котенок зайка зайчик максим сергей андрей дмитрий александр
россия россия123 москва москва123 спартак спартак123 зенит админ админ123 администратор
qwerty007 zaq123 1234qwer 123qwe 123qweasd 123qweasdzxc 123456qwerty qwerty123qwerty
gfhjkm gfhjkm123
"""

COMMON = frozenset(_WORDS.split())

_RU = "йцукенгшщзхъфывапролджэячсмитьбю"
_EN = "qwertyuiop[]asdfghjkl;'zxcvbnm,."
_TO_EN = str.maketrans(_RU, _EN)
_TO_RU = str.maketrans(_EN, _RU)


def is_common(password: str) -> bool:
    """True for a listed password, whatever its case or keyboard layout."""
    word = password.strip().lower()
    return bool({word, word.translate(_TO_EN), word.translate(_TO_RU)} & COMMON)
