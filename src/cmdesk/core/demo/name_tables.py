"""Syllables and name parts for generated demo people, each with its romanisation.

No list of real people went into this file: given and family names are built by joining parts,
so a generated full name is a combination, not a copy. Single common parts (a Hmong clan, a Thai
morpheme such as สม "Som") are shared by many real people, as clan and family names are.

Each entry is (Thai script, Latin). Latin parts are lower case; the generator capitalises each
finished word. Thai joins parts without spaces; Latin joins them as the group writes its names
(JOIN_LATIN): "Sai Saeng" for Tai Yai, "Choemue" for Akha.
"""

from __future__ import annotations

from typing import Final

Part = tuple[str, str]
Parts = tuple[Part, ...]


def parts_of(text: str) -> Parts:
    """Parses "ไทย thai, ลาว lao" into (("ไทย", "thai"), ("ลาว", "lao")), to keep tables short."""
    pairs = []
    for item in text.split(","):
        thai, latin = item.split()
        pairs.append((thai, latin))
    return tuple(pairs)


# --- Given names in the style of Central Thai names given since about 1990 -----------------
THAI_MODERN_MALE_FIRST: Final = parts_of(
    "ธน thana, ณัฐ nattha, กิตติ kitti, อนุ anu, ศุภ supha, วร wora, ปิยะ piya, ธีร thira,"
    " จิร jira, อภิ aphi, พีร phira, ภูริ phuri"
)
THAI_MODERN_MALE_LAST: Final = parts_of(
    "ชัย chai, ศักดิ์ sak, พงศ์ phong, พล phon, กร kon, วุฒิ wut, ภัทร phat, นนท์ non,"
    " วัฒน์ wat, ชาติ chat, วิทย์ wit, เดช det"
)
THAI_MODERN_FEMALE_FIRST: Final = parts_of(
    "ณัฐ nattha, กมล kamon, ปิยะ piya, ศิริ siri, จันทร์ chan, พิมพ์ phim, สุ su, พร phon,"
    " กัญญา kanya, เบญจ benja, วร wora"
)
THAI_MODERN_FEMALE_LAST: Final = parts_of(
    "ดา da, วรรณ wan, พร phon, ทิพย์ thip, นุช nut, ลดา lada, ชนก chanok, ธิดา thida,"
    " เพ็ญ phen, นิภา nipha, รัตน์ rat, มณี mani"
)

# --- Older Central Thai names (people born before about 1990) --------------------------------
# Free combination of these parts gives too many names no one has, so they are whole names.
THAI_CLASSIC_MALE: Final = parts_of(
    "สมชาย somchai, สมศักดิ์ somsak, สมพงษ์ somphong, สมเกียรติ somkiat, บุญชัย bunchai,"
    " บุญเลิศ bunloet, ทองดี thongdi, ประเสริฐ prasoet, วิชัย wichai, ชาญชัย chanchai,"
    " สุชาติ suchat, มานะ mana, วิรัช wirat, สมบัติ sombat, ประสิทธิ์ prasit, สุรชัย surachai,"
    " เกรียงศักดิ์ kriangsak, ชัยวัฒน์ chaiwat, อำนาจ amnat, ไพโรจน์ phairot"
)
THAI_CLASSIC_FEMALE: Final = parts_of(
    "สมใจ somjai, สมศรี somsi, สมพร somphon, บุญมี bunmi, ทองใบ thongbai, มาลี mali,"
    " สุดา suda, ประภา prapha, วันดี wandi, นงนุช nongnut, บุษบา butsaba, อำไพ amphai,"
    " จันทร์เพ็ญ chanphen, สุนีย์ suni, พรทิพย์ phonthip, กาญจนา kanchana, รัชนี ratchani,"
    " ศรีสุดา sisuda, เพ็ญศรี phensi, ละมัย lamai"
)

# --- Northern Thai (คำเมือง) names of adults ---------------------------------------------------
NORTHERN_MALE_FIRST: Final = parts_of("คำ kham, อิน in, บุญ bun, ศรี si, แก้ว kaeo, จัน chan, ทอง thong")
NORTHERN_MALE_LAST: Final = parts_of(
    "แก้ว kaeo, คำ kham, วัน wan, เรือง rueang, มา ma, ปั๋น pan, หล้า la, ตา ta, แสน saen"
)
NORTHERN_FEMALE_FIRST: Final = parts_of(
    "บัว bua, คำ kham, ศรี si, จัน chan, แสง saeng, ปิ่น pin, บุญ bun"
)
NORTHERN_FEMALE_LAST: Final = parts_of(
    "คำ kham, ผัน phan, นวล nuan, แก้ว kaeo, ลา la, ใส sai, หอม hom, เป็ง peng, อ่อน on"
)

# --- Highland groups: a first syllable that marks sex, and a second syllable --------------------
AKHA_MALE_FIRST: Final = parts_of("อา a")
AKHA_FEMALE_FIRST: Final = parts_of("หมี่ mi")
AKHA_SECOND: Final = parts_of(
    "เชอ choe, ซอ so, จอ jo, แล lae, เบ be, ยี yi, มือ mue, ปอ po, ลอ lo, ซู su, จู ju, ยะ ya,"
    " ดู du, พา pha, โก ko, หยู yu, ซา sa, เปอ poe"
)
LAHU_MALE_FIRST: Final = parts_of("จะ ja")
LAHU_FEMALE_FIRST: Final = parts_of("นะ na")
LAHU_SECOND: Final = parts_of(
    "แฮ hae, อื่อ ue, หา ha, ลอ lo, ปอ po, ติ ti, แส sae, ก่อ ko, จี ji, หลู่ lu, โม mo, ยี yi,"
    " ซอ so, เตาะ to, บี bi"
)
LISU_MALE_FIRST: Final = parts_of("อา a, ลา la, ฟู fu")
LISU_FEMALE_FIRST: Final = parts_of("อา a, หมี่ mi, นา na")
LISU_SECOND: Final = parts_of(
    "ปา pa, จา ja, ฟู fu, เม me, ซือ sue, ยี่ yi, ลา la, โซ so, หวู่ wu, เปียง piang, ซา sa"
)
HMONG_MALE_FIRST: Final = parts_of("ตู้ tou, เปา pao, ชัว chua, ไซ xai, เย้ง yeng, ก้อ ko, หลง long")
HMONG_FEMALE_FIRST: Final = parts_of("ไหม mai, ป่า pa, ซี xee, หนู nou, เย่ yer, จัว chua")
HMONG_SECOND: Final = parts_of("ลือ lue, ย่า ya, หลี lee, ปอ po, ไล lai, เหนีย nhia, ชอง chong, ยี yee")
MIEN_MALE_FIRST: Final = parts_of("ไล lai, ฟู fu, จั๊น chan, ว่าน wan, ก้วย kuai, เส็ง seng, ซาน san")
MIEN_FEMALE_FIRST: Final = parts_of("เหมย mei, ม่วย muai, ฟิน fin, ไหน่ nai, ซิ่ว siu, ยุ่น yun")
MIEN_SECOND: Final = parts_of("ฟู fu, ชิง ching, เฟย fei, ลิน lin, เหมย mei, จอย choi, ซัน san")
KAREN_MALE_FIRST: Final = parts_of("ทู thu, พอ pho, ดี di, เก ke, แฮ hae, เส่ง seng, บือ bue")
KAREN_FEMALE_FIRST: Final = parts_of("มู mu, ลา la, ดา da, หน่อ no, มี mi, เอ e")
KAREN_SECOND: Final = parts_of(
    "เล le, พอ pho, ดา da, แฮ hae, หวา wa, โพ pho, กู่ ku, เจ je, ซา sa, มี mi, บลู blu"
)
TAI_YAI_MALE_FIRST: Final = parts_of("จาย sai")
TAI_YAI_FEMALE_FIRST: Final = parts_of("นาง nang")
TAI_YAI_SECOND: Final = parts_of(
    "แสง saeng, หอม hom, คำ kham, หาญ han, ทุน thun, ลู่ lu, ยอด yot, อ่อน on, เมิง moeng,"
    " ปาน pan, ลาว lao, เงิน ngoen, ทิพย์ thip"
)
YUNNANESE_MALE: Final = parts_of(
    "หมิง ming, เหว่ย wei, เจี้ยน jian, จวิน jun, เฉิง cheng, กั๋ว guo, หลง long, จื้อ zhi,"
    " เทียน tian, ฮุย hui, หง hong"
)
YUNNANESE_FEMALE: Final = parts_of(
    "หลิง ling, เสี่ยว xiao, ลี่ li, หัว hua, เหมย mei, อวี้ yu, ฟาง fang, เซียง xiang,"
    " ผิง ping, อิง ying, ชุน chun, จิ้ง jing"
)

# --- Family names -------------------------------------------------------------------------------
THAI_FAMILY_FIRST: Final = parts_of(
    "ศรี si, แก้ว kaeo, ทอง thong, บุญ bun, สุข suk, จันทร์ chan, วงศ์ wong, รุ่ง rung,"
    " เพชร phet, ธน thana, มั่น man, เกษม kasem"
)
THAI_FAMILY_LAST: Final = parts_of(
    "วงศ์ wong, สุข suk, มา ma, ดี di, ประเสริฐ prasoet, สวัสดิ์ sawat, เจริญ charoen,"
    " ทอง thong, ศรี si, กุล kun, รักษ์ rak, เรือง rueang, วัฒนา watthana, ยิ่ง ying"
)
# Three-part Thai family names ("ศรีวงศ์วัฒนา") take a middle and an ending that read naturally.
THAI_FAMILY_MIDDLE: Final = parts_of("สุข suk, ทอง thong, ศรี si, วงศ์ wong, เจริญ charoen, รุ่ง rung")
THAI_FAMILY_END: Final = parts_of(
    "กุล kun, วงศ์ wong, ศรี si, สวัสดิ์ sawat, เจริญ charoen, รักษ์ rak, วัฒนา watthana,"
    " ประเสริฐ prasoet, ไพศาล phaisan"
)
NORTHERN_FAMILY_FIRST: Final = parts_of(
    "คำ kham, แก้ว kaeo, อินทร์ in, จันทร์ chan, ปัญญา panya, ยศ yot, ธรรม tham, ใจ jai,"
    " เรือน ruean, บุญ bun, ปิน pin"
)
NORTHERN_FAMILY_LAST: Final = parts_of(
    "มา ma, ดี di, เรือง rueang, ปัน pan, แสน saen, วงศ์ wong, ใจ jai, คำ kham, ชัย chai,"
    " ฟู fu, ตา ta, เมือง mueang, ยวง yuang"
)
# Many highland families were registered with Thai surnames drawn from the forest and hills.
NATURE_FAMILY_FIRST: Final = parts_of(
    "ไพร phrai, พนา phana, คีรี khiri, ภู phu, ดอย doi, วนา wana, ธาร than, ผา pha, ดง dong,"
    " ศิลา sila, เมฆ mek"
)
NATURE_FAMILY_LAST: Final = parts_of(
    "พนา phana, ไพร phrai, วัน wan, ทอง thong, เขียว khiao, งาม ngam, สุข suk, ใส sai,"
    " ชล chon, วงศ์ wong, รักษ์ rak, สันต์ san, ทิพย์ thip, ภูมิ phum"
)
AKHA_FAMILY_FIRST: Final = parts_of(
    "เชอ choe, มา ma, เย ye, แล lae, เบ be, ซอ so, หมื่อ mue, อา a, พะ pha, จือ jue"
)
AKHA_FAMILY_LAST: Final = parts_of(
    "มือ mue, เยอะ yoe, ซอ so, เชอ choe, จอ jo, แย yae, กู่ ku, ปะ pa, โบ bo, ลอ lo"
)
LAHU_FAMILY_FIRST: Final = parts_of("จะ ja, หม่อ mo, ปู pu, ยอ yo, แก kae")
LISU_FAMILY_FIRST: Final = parts_of("เลา lao, ยี่ yi, ลี li, ซา sa, หมี่ mi, แล lae, ยา ya")
# Hmong, Mien and Yunnanese families write their clan after แซ่ ("clan").
HMONG_CLANS: Final = parts_of(
    "ย่าง yang, ว่าง wang, ลี li, ม้า ma, ท้าว thao, โซ้ง song, เฮ่อ hoe, หาง hang, จาง chang,"
    " ลอ lo, กือ kue"
)
MIEN_CLANS: Final = parts_of("จ๋าว chao, ฟุ้ง fung, ลี li, พ่าน phan, เติ๋น toen, ล่อ lo, ตั้ง tang")
YUNNANESE_CLANS: Final = parts_of(
    "หยาง yang, หลี่ li, จาง chang, หวัง wang, จ้าว chao, หม่า ma, ต้วน tuan, หลิว liu, เฉิน chen"
)
CLAN_PREFIX: Final[Part] = ("แซ่", "sae")

# --- Nicknames (ชื่อเล่น); nearly every child and adult has one --------------------------------
NICKNAMES_FEMALE: Final = parts_of(
    "ฟ้า fah, มิ้นท์ mint, แพรว praew, น้ำ nam, ฝน fon, แนน nan, ปราง prang, ใบเตย baitoey,"
    " ข้าวหอม khaohom, เฟิร์น fern, แบม bam, ปุยฝ้าย puifai, ส้ม som, แตงโม taengmo, ดาว dao,"
    " พลอย ploy, จูน june, เมย์ may, ออม aom, ผึ้ง phueng"
)
NICKNAMES_MALE: Final = parts_of(
    "ต้น ton, บอล ball, เก่ง keng, ภูมิ phum, เจ jay, ปอ por, โอ๊ต oat, ไอซ์ ice, นนท์ non,"
    " ต่อ tor, บาส bas, ก้อง kong, ภู phu, เอก ek, แม็ก max, ปั้น pan, แทน tan, ธาม tham,"
    " แบงค์ bank, ตี๋ tee"
)
NICKNAMES_ANY: Final = parts_of("บี bee, เอ a, ปาล์ม palm, จ๋า ja, หนิง ning, ดำ dam, แดง daeng")
