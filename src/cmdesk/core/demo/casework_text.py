"""Made-up casework text for demo records, in Thai and in English, as workers write it.

Each entry is (Thai, English); a demo case is written in one language (mostly Thai, as in the
field). Texts name no real person or place beyond what the record itself says; `{village}`,
`{carer}` and `{org}` are filled from the generated record.
"""

from __future__ import annotations

from typing import Final

Text = tuple[str, str]
Texts = tuple[Text, ...]

RISK_REASONS: Final[dict[str, Texts]] = {
    "low": (
        (
            "ครอบครัวดูแลเด็กได้ดี มีความเสี่ยงเล็กน้อยเรื่องการเรียน",
            "Family cares well; minor risk around schooling.",
        ),
        (
            "เด็กปลอดภัย ต้องติดตามเรื่องเอกสารประจำตัว",
            "Child is safe; identity documents need follow-up.",
        ),
    ),
    "medium": (
        (
            "ผู้ดูแลทำงานต่างพื้นที่บ่อย เด็กอยู่กับญาติสูงอายุ",
            "Carer often works away; child stays with elderly relatives.",
        ),
        ("เด็กขาดเรียนบ่อย มีสัญญาณการถูกละเลย", "Child often absent from school; signs of neglect."),
        (
            "ครอบครัวมีหนี้สิน เด็กเริ่มช่วยทำงานในไร่",
            "Family in debt; child has started working in the fields.",
        ),
    ),
    "high": (
        ("มีรายงานความรุนแรงในครอบครัวซ้ำหลายครั้ง", "Repeated reports of violence in the household."),
        (
            "มีคนแปลกหน้าชักชวนเด็กไปทำงานในเมือง",
            "Strangers have been urging the child to work in town.",
        ),
        ("เด็กมีพฤติกรรมใช้สารเสพติด ไม่มีผู้ดูแลประจำ", "Child uses drugs and has no regular carer."),
    ),
    "critical": (
        (
            "เด็กอยู่ในอันตรายทันที ต้องจัดหาที่พักปลอดภัยวันนี้",
            "Child in immediate danger; safe shelter needed today.",
        ),
        (
            "พบหลักฐานการแสวงหาประโยชน์ทางเพศ แจ้งเจ้าหน้าที่ตำรวจแล้ว",
            "Evidence of sexual exploitation; police informed.",
        ),
    ),
}

FINDINGS: Final[dict[str, Texts]] = {
    "safety": (
        ("เด็กบอกว่ารู้สึกปลอดภัยที่บ้าน {village}", "Child says they feel safe at home in {village}."),
        ("ผู้ดูแลดื่มสุราและใช้ความรุนแรงเป็นบางครั้ง", "Carer drinks and is sometimes violent."),
        ("เด็กถูกทิ้งไว้ลำพังหลายวันขณะผู้ใหญ่ไปทำงาน", "Child left alone for days while adults work."),
    ),
    "health": (
        ("น้ำหนักต่ำกว่าเกณฑ์ ยังไม่ได้รับวัคซีนครบ", "Underweight; vaccinations incomplete."),
        (
            "สุขภาพแข็งแรง ไปโรงพยาบาลส่งเสริมสุขภาพตำบลได้",
            "In good health; can reach the subdistrict health centre.",
        ),
        (
            "มีอาการไอเรื้อรัง ต้องพาไปตรวจที่โรงพยาบาลอำเภอ",
            "Chronic cough; needs a check at the district hospital.",
        ),
    ),
    "education": (
        (
            "เรียนชั้นประถม ครูรายงานว่าขาดเรียนบ่อย",
            "In primary school; teacher reports frequent absence.",
        ),
        ("ออกจากโรงเรียนกลางคันเพราะไม่มีค่าเดินทาง", "Dropped out for lack of money for transport."),
        ("อ่านภาษาไทยได้ดี อยากเรียนต่อชั้นมัธยม", "Reads Thai well; wants to go on to secondary school."),
    ),
    "psychosocial": (
        ("เด็กเงียบ ไม่ค่อยพูดกับคนนอกครอบครัว", "Child is withdrawn; rarely speaks with outsiders."),
        (
            "นอนไม่หลับ ฝันร้ายบ่อยหลังเหตุการณ์",
            "Trouble sleeping; frequent nightmares since the incident.",
        ),
        (
            "มีเพื่อนในหมู่บ้าน ร่วมกิจกรรมสภาเด็กและเยาวชน",
            "Has friends in the village; joins the children and youth council.",
        ),
    ),
    "legal_status": (
        ("ยังไม่มีสูติบัตร ผู้ปกครองไม่มีเอกสาร", "No birth certificate; parents have no documents."),
        (
            "มีบัตรประจำตัวบุคคลที่ไม่มีสถานะทางทะเบียน",
            "Holds a card for persons without registration status.",
        ),
        ("มีเลขประจำตัว 13 หลัก เอกสารครบถ้วน", "Has a 13-digit number; documents complete."),
    ),
    "family_and_care": (
        (
            "อาศัยอยู่กับ{carer} ซึ่งดูแลเด็กอย่างใกล้ชิด",
            "Lives with their {carer}, who cares for the child closely.",
        ),
        ("พ่อแม่แยกทางกัน เด็กย้ายไปมาระหว่างญาติ", "Parents separated; child moves between relatives."),
        ("ครอบครัวมีรายได้น้อย ปลูกข้าวไร่และข้าวโพด", "Low family income from upland rice and maize."),
    ),
}

NEEDS: Final[dict[str, Texts]] = {
    "safety": (("แผนความปลอดภัยร่วมกับผู้นำชุมชน", "Safety plan with community leaders."),),
    "health": (("พาไปตรวจสุขภาพและฉีดวัคซีนให้ครบ", "Health check and catch-up vaccinations."),),
    "education": (("ทุนค่าเดินทางและอุปกรณ์การเรียน", "Travel and school supplies grant."),),
    "psychosocial": (("ให้คำปรึกษาเป็นรายบุคคลทุกสองสัปดาห์", "Individual counselling every two weeks."),),
    "legal_status": (
        ("ยื่นคำร้องขอพิสูจน์สถานะที่อำเภอ", "File a status verification request at the district office."),
    ),
    "family_and_care": (("เยี่ยมบ้านและสนับสนุนทักษะการเลี้ยงดูเด็ก", "Home visits and parenting support."),),
}

GOALS: Final[dict[str, Texts]] = {
    "safety": (("เด็กปลอดภัยจากความรุนแรงในบ้าน", "Child is safe from violence at home."),),
    "health": (
        ("เด็กได้รับวัคซีนครบและมีน้ำหนักตามเกณฑ์", "Child fully vaccinated and at a healthy weight."),
    ),
    "education": (
        ("เด็กกลับไปเรียนและมาเรียนสม่ำเสมอ", "Child back in school and attending regularly."),
    ),
    "psychosocial": (("เด็กนอนหลับได้ดีขึ้นและกล้าพูดคุยมากขึ้น", "Child sleeps better and speaks up more."),),
    "legal_status": (
        (
            "เด็กได้รับเลขประจำตัวและสถานะทางทะเบียน",
            "Child gets an identity number and registration status.",
        ),
    ),
    "family_and_care": (
        ("ครอบครัวดูแลเด็กได้เองอย่างมั่นคง", "Family can care for the child steadily on its own."),
    ),
}

ACTIONS: Final[dict[str, Texts]] = {
    "safety": (
        ("ประชุมผู้นำชุมชนเพื่อวางแผนความปลอดภัย", "Meet community leaders to agree a safety plan."),
    ),
    "health": (
        ("พาเด็กไปโรงพยาบาลส่งเสริมสุขภาพตำบล", "Take the child to the subdistrict health centre."),
    ),
    "education": (
        ("ประสานครูประจำชั้นและจัดหาทุนการศึกษา", "Work with the class teacher and arrange a grant."),
    ),
    "psychosocial": (("นัดนักจิตวิทยาให้คำปรึกษา", "Book sessions with a counsellor."),),
    "legal_status": (
        ("ยื่นเอกสารขอสถานะที่ว่าการอำเภอ", "Submit status papers at the district office."),
    ),
    "family_and_care": (("อบรมทักษะการเลี้ยงดูให้ผู้ดูแล", "Parenting skills training for the carer."),),
}

NOTES: Final[dict[str, Texts]] = {
    "home_visit": (
        (
            "เยี่ยมบ้านที่{village} พบเด็กและ{carer} เด็กดูร่าเริงขึ้น",
            "Home visit in {village}; met the child and their {carer}. Child seems happier.",
        ),
        (
            "เยี่ยมบ้าน ไม่พบเด็ก เพื่อนบ้านบอกว่าไปช่วยงานในไร่",
            "Home visit; child not there, neighbours say helping in the fields.",
        ),
        (
            "ตรวจดูสภาพบ้าน หลังคารั่ว ต้องหาทางช่วยซ่อม",
            "Checked the house; the roof leaks and needs repair.",
        ),
    ),
    "phone_call": (
        ("โทรคุยกับ{carer} นัดพบสัปดาห์หน้า", "Phoned the {carer}; meeting agreed for next week."),
        ("ครูโทรแจ้งว่าเด็กกลับมาเรียนแล้ว", "Teacher called to say the child is back at school."),
    ),
    "meeting": (
        ("ประชุมทีมสหวิชาชีพ ทบทวนแผนการช่วยเหลือ", "Multidisciplinary team meeting reviewed the plan."),
        ("ประชุมร่วมกับ{org} เรื่องการส่งต่อ", "Meeting with {org} about the referral."),
    ),
    "observation": (
        ("เด็กเล่นกับเพื่อนได้ดี พูดภาษาไทยได้มากขึ้น", "Child plays well with friends and speaks more Thai."),
        (
            "สังเกตเห็นรอยช้ำที่แขน สอบถามแล้วเด็กไม่ยอมตอบ",
            "Noticed bruises on the arm; child would not say how.",
        ),
    ),
    "other": (
        (
            "ส่งเอกสารให้ที่ว่าการอำเภอแล้ว รอผล",
            "Papers handed in at the district office; awaiting result.",
        ),
        ("มอบถุงยังชีพและอุปกรณ์การเรียน", "Gave a food parcel and school supplies."),
    ),
}
NOTE_EDIT: Final[Text] = (
    " (แก้ไข: เพิ่มรายละเอียดหลังคุยกับครู)",
    " (edited: details added after talking to the teacher)",
)

REFERRAL_REASONS: Final[dict[str, Texts]] = {
    "shelter": (("ต้องการที่พักปลอดภัยชั่วคราว", "Needs a temporary safe place to stay."),),
    "legal_aid": (("ต้องการความช่วยเหลือทางกฎหมายในคดี", "Needs legal help with the court case."),),
    "medical": (("ต้องการการรักษาพยาบาลต่อเนื่อง", "Needs continued medical treatment."),),
    "psychosocial": (("ต้องการการบำบัดฟื้นฟูจิตใจ", "Needs psychosocial recovery support."),),
    "education": (("ต้องการทุนและที่เรียนต่อ", "Needs a grant and a school place."),),
    "family_tracing": (
        ("ต้องการติดตามครอบครัวฝั่งประเทศเพื่อนบ้าน", "Needs family tracing across the border."),
    ),
    "vocational": (("ต้องการฝึกอาชีพสำหรับเยาวชน", "Needs vocational training for a young person."),),
    "documentation": (
        ("ต้องการความช่วยเหลือเรื่องสถานะบุคคล", "Needs help with civil registration and status."),
    ),
    "youth_development": (
        ("เหมาะกับโครงการพัฒนาเยาวชน", "A good fit for the youth development programme."),
    ),
}
DECLINED: Final[Texts] = (
    ("ไม่มีที่ว่างในขณะนี้", "No place available at the moment."),
    ("อยู่นอกพื้นที่ให้บริการ", "Outside the area served."),
)
WITHDRAWN: Final[Texts] = (("ครอบครัวย้ายออกนอกพื้นที่", "The family moved away."),)
FEEDBACK: Final[Texts] = (
    ("เด็กเข้าร่วมกิจกรรมครบทุกครั้ง", "Child attended every session."),
    ("บริการเสร็จสิ้น ส่งรายงานสรุปแล้ว", "Service completed; summary report sent."),
)
OVERRIDE: Final[Text] = (
    "กรณีฉุกเฉิน เด็กอยู่ในอันตราย ขอความยินยอมภายหลัง",
    "Emergency: child in danger; consent to be sought afterwards.",
)

TASKS: Final[Texts] = (
    ("เยี่ยมบ้านติดตามผล", "Follow-up home visit"),
    ("โทรหาครูประจำชั้น", "Call the class teacher"),
    ("ยื่นเอกสารที่อำเภอ", "Hand in papers at the district office"),
    ("นัดตรวจสุขภาพ", "Book a health check"),
    ("ประชุมทีมสหวิชาชีพ", "Multidisciplinary team meeting"),
)

REVIEWS: Final[Texts] = (
    ("เด็กมีพัฒนาการดีขึ้น ดำเนินตามแผนต่อ", "Child doing better; continue the plan."),
    ("เป้าหมายด้านการศึกษายังไม่บรรลุ ต้องปรับแผน", "Education goal not yet met; plan needs revising."),
    ("บรรลุเป้าหมายส่วนใหญ่ เสนอปิดเคส", "Most goals met; closing the case proposed."),
)

CLOSURE_NOTES: Final[Texts] = (
    ("ครอบครัวดูแลเด็กได้เองแล้ว", "The family now cares for the child on its own."),
    ("ส่งต่อให้หน่วยงานอื่นดูแลต่อ", "Handed over to another organisation."),
)
REOPEN: Final[Text] = ("มีรายงานเหตุการณ์ใหม่ เปิดเคสอีกครั้ง", "New incident reported; case reopened.")
PLAN_RETURNED: Final[Text] = (
    "กรุณาเพิ่มกำหนดเวลาของแต่ละกิจกรรม",
    "Please add a due date to each action.",
)
VITAL_INTEREST: Final[Text] = (
    "เด็กอยู่ในอันตราย ไม่สามารถขอความยินยอมได้ทันที",
    "Child in danger; consent could not be sought in time.",
)
CONSENT_WITHDRAWN: Final[Text] = ("ผู้ปกครองขอถอนความยินยอม", "The parent withdrew consent.")
DISABILITY: Final[Texts] = (
    ("มีปัญหาการได้ยิน", "Hearing impairment."),
    ("เดินลำบาก ใช้ไม้ค้ำยัน", "Walks with difficulty, uses crutches."),
)
SCHOOL_PREFIX: Final[Text] = ("โรงเรียน", "School")

# How a note names the carer ("met the child and their grandmother").
CARER_WORDS: Final[dict[str, Text]] = {
    "mother": ("แม่", "mother"),
    "father": ("พ่อ", "father"),
    "stepmother": ("แม่เลี้ยง", "stepmother"),
    "stepfather": ("พ่อเลี้ยง", "stepfather"),
    "grandmother": ("ยาย", "grandmother"),
    "grandfather": ("ตา", "grandfather"),
    "aunt": ("ป้า", "aunt"),
    "uncle": ("ลุง", "uncle"),
    "older_sister": ("พี่สาว", "older sister"),
    "older_brother": ("พี่ชาย", "older brother"),
    "other_relative": ("ญาติ", "relative"),
    "foster_carer": ("ผู้ดูแลอุปถัมภ์", "foster carer"),
    "guardian": ("ผู้ปกครอง", "guardian"),
    "other": ("ผู้ดูแล", "carer"),
}
CONCERN_OTHER: Final[Texts] = (
    ("ครอบครัวมีข้อพิพาทเรื่องที่ดินทำกิน", "Family land dispute."),
    ("เด็กต้องดูแลน้องเล็กแทนผู้ใหญ่", "Child looks after younger siblings instead of the adults."),
)
