"""Every user-facing text, in Vietnamese and English.

One dataclass instance per language: a text missing from either language fails at import time,
and mypy checks every use.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.errors import ErrorCode

Language = Literal["vi", "en"]


def pick_language(language_code: str | None, default: Language) -> Language:
    if not language_code:
        return default
    return "vi" if language_code.lower().startswith("vi") else "en"


@dataclass(frozen=True, slots=True)
class Texts:
    help: str
    something_went_wrong: str
    dm_hint: str
    solving: str
    answer: str
    unit_at_width: str
    unit_picture_share: str
    unit_picture: str
    photo_hint: str
    balance_line: str
    decimal_separator: str
    answer_backend_local: str
    ask_admin: str
    ask_admin_named: str
    ask_access: str
    ask_access_named: str
    refunded: str
    no_charge: str
    # Why a photo got no answer, by code; formatted with price, balance, ask_admin, ask_access, size_mb, limit
    # and wait.
    problems: dict[ErrorCode, str]
    reply_to_image: str
    already_solved: str
    # /balance and /usage
    balance: str
    local_price: str
    usage_title: str
    periods: dict[str, str]
    usage_line: str
    median: str
    # admin commands
    not_admin: str
    grant_usage: str
    unknown_member: str
    grant_done: str
    grant_refused: str
    grant_notice: str
    grant_not_told: str
    users_title: str
    users_line: str
    users_more: str
    no_members: str
    stats_title: str
    stats_line: str
    stats_saved: str
    provider_balance: str
    provider_balance_unknown: str
    provider_not_configured: str
    ledger_usage: str
    ledger_title: str
    ledger_empty: str
    ledger_reasons: dict[str, str]
    low_provider_balance: str
    commands: dict[str, str]
    # ✅/❌ under answers: the buttons, the mark a report leaves (by verdict), the toast (by what became of
    # the press; with mark and minutes) and what it did to the tokens
    report_right: str
    report_wrong: str
    report_marks: dict[str, str]
    report_said: dict[str, str]
    report_refunded: str
    report_taken_back: str
    report_capped: str
    report_refunded_before: str
    # reported accuracy in /stats and /usage
    accuracy_title: str
    accuracy_line: str
    backends: dict[str, str]


EN = Texts(
    help=(
        "👋 I solve Bytrade slide puzzles.\n\n"
        "Send me a screenshot of the puzzle, as a photo or as a file, and I reply with how many pixels "
        "to drag the slider.\n\n"
        "In a group: either turn privacy mode off for me in @BotFather (Bot Settings → Group Privacy), "
        "or send the photo with the caption /solve, or reply /solve to a photo.\n\n"
        "Each solve costs {price} token(s). Your balance: {balance} token(s).\n"
        "Commands: /balance, /usage, /help"
    ),
    something_went_wrong="⚠️ Sorry, something went wrong on my side. Please try again in a moment.",
    dm_hint="Send me a screenshot of the slide puzzle (as a photo or a file) and I will solve it. /help",
    solving="⏳ Solving…",
    answer="➡️ {offset} px",
    unit_at_width="(at the puzzle's display width of {width} px; {share} of its width)",
    unit_picture_share="(pixels of your picture; {share} of the puzzle's width)",
    unit_picture="(pixels of your picture)",
    photo_hint="Telegram shrank this photo: send the screenshot as a file to get your screen's exact pixels.",
    balance_line="Balance: {balance} token(s).",
    decimal_separator=".",
    answer_backend_local="(solved locally, free)",
    ask_admin="Ask an admin for more tokens.",
    ask_admin_named="Ask {admins} for more tokens.",
    ask_access="Ask the bot's admin to let you in.",
    ask_access_named="Ask {admins} to let you in.",
    refunded="Your {tokens} token(s) were returned; balance: {balance}.",
    no_charge="Nothing was charged.",
    problems={
        ErrorCode.SOLVER_ERROR: "⚠️ The solving service failed on this puzzle.",
        ErrorCode.UNSOLVABLE: "❌ The solver could not solve this puzzle. Try a clearer or fresh screenshot.",
        ErrorCode.TIMEOUT: "⌛ The solver took too long to answer.",
        ErrorCode.UNAVAILABLE: "📡 The solving service is unreachable right now. Try again in a few minutes.",
        ErrorCode.INVALID_KEY: "🔑 The solving service rejected our API key. An admin must fix the configuration.",
        ErrorCode.OUT_OF_FUNDS: "💳 The solving service account is out of funds. An admin must top it up.",
        ErrorCode.IMAGE_REJECTED: "🖼 The solving service rejected this image. Send a plain screenshot of the puzzle.",
        ErrorCode.PROTOCOL: "⚠️ The solving service gave an answer I could not understand.",
        ErrorCode.NO_PUZZLE: (
            "🔍 I could not make out a puzzle piece and its gap in this image clearly enough to answer. "
            "Send a sharper screenshot of the puzzle, or the screenshot as a file."
        ),
        ErrorCode.INTERNAL: "⚠️ Something went wrong on my side while solving.",
        ErrorCode.MAYBE_SUBMITTED: (
            "🔄 I restarted while this puzzle was being sent to the solver: it may have reached it, "
            "but its answer is lost. Please send it again."
        ),
        ErrorCode.CHAT_GONE: "📭 I could not write to this chat, so I did not solve this puzzle.",
        ErrorCode.NOT_ENOUGH_TOKENS: (
            "💸 Not enough tokens: a solve costs {price}, your balance is {balance}. {ask_admin}"
        ),
        ErrorCode.CHAT_NOT_ALLOWED: (
            "🚫 This group is not on my list of allowed chats, so I can't serve it. Ask the bot's admin."
        ),
        ErrorCode.NOT_A_MEMBER: "🔒 Sorry, I only solve puzzles for the members of my team's group. {ask_access}",
        ErrorCode.MEMBERSHIP_UNKNOWN: (
            "📡 I could not check with Telegram that you are a member of my team's group. "
            "Please send the photo again in a minute. Nothing was charged."
        ),
        ErrorCode.TOO_MANY_PHOTOS: (
            "⏱ That is more than {limit} photos in a minute: I skip your photos for the next {wait} s. "
            "Nothing was charged."
        ),
        ErrorCode.TOO_BIG: "📦 That file is too big ({size_mb:.1f} MB): bots can only download files up to 20 MB.",
        ErrorCode.DOWNLOAD_FAILED: "🖼 I could not download that file from Telegram. Please send it again.",
        ErrorCode.EMPTY: "🖼 That file is empty.",
        ErrorCode.NOT_AN_IMAGE: "🖼 That file is not an image. Send a screenshot (JPEG, PNG, WebP or BMP).",
        ErrorCode.CORRUPT: "🖼 I could not read that image: it seems damaged or incomplete.",
        ErrorCode.TOO_MANY_PIXELS: "🖼 That image is far too large in pixels for a puzzle screenshot.",
        ErrorCode.TOO_SMALL: "🖼 That image is too small to be a puzzle screenshot.",
        ErrorCode.UNSUPPORTED_FORMAT: "🖼 That image format is not supported. Send JPEG, PNG, WebP or BMP.",
    },
    reply_to_image="Reply /solve to a photo or an image file, or send the photo with the caption /solve.",
    already_solved="This image was already solved (not charged again):",
    balance="💰 Balance: {balance} token(s).\nA solve costs {price} token(s){local}.\n{ask_admin}",
    local_price="; answers from the local solver cost {price}",
    usage_title="📊 Your solves",
    periods={"today": "Today", "week": "Last 7 days", "all": "All time"},
    usage_line=(
        "{period}: {solves} solve(s) — {succeeded} succeeded, {failed} failed, {refused} refused; "
        "{spent} token(s) spent; {median}"
    ),
    median="median {seconds:.1f} s",
    not_admin="🔒 Only the bot's admins can use this command.",
    grant_usage=(
        "Usage: /grant <user_id|@username> <amount> [note]\n"
        "or, replying to a member's message: /grant <amount> [note]\n"
        "A negative amount removes tokens."
    ),
    unknown_member="I don't know {who}: they have to message me first, or use their numeric id.",
    grant_done="✅ {who}: {amount:+d} token(s), balance now {balance}.",
    grant_refused="🚫 {who} has {balance} token(s); removing {removed} would go below zero. Nothing changed.",
    grant_notice="💰 An admin changed your balance by {amount:+d} token(s). Balance: {balance}.",
    grant_not_told="(I could not message them: they have not started a chat with me.)",
    users_title="👥 Members, most recent first (page {page}/{pages})",
    users_line="{name} · id {user_id} — {balance} token(s), {solves} solve(s), {rate} success",
    users_more="Next page: /users {page}",
    no_members="No members yet.",
    stats_title="📈 Team statistics",
    stats_line=(
        "{period}: {solves} solve(s), {rate} success, median {median}, p95 {p95}; "
        "{spent} token(s) spent, {refunded} refunded; local {local} / OmoCaptcha {paid}"
    ),
    stats_saved="💡 Local answers saved {saved} paid OmoCaptcha call(s) ({tokens} token(s) for members).",
    provider_balance="🏦 OmoCaptcha balance: {balance}",
    provider_balance_unknown="🏦 OmoCaptcha balance: unavailable ({error})",
    provider_not_configured="🏦 OmoCaptcha: not configured (local solver only)",
    ledger_usage="Usage: /ledger <user_id|@username>",
    ledger_title="📒 Ledger of {who}, latest first (balance {balance}):",
    ledger_empty="No ledger entries for {who}.",
    ledger_reasons={
        "initial": "welcome",
        "grant": "grant",
        "solve": "solve",
        "refund": "refund",
        "reported_wrong": "reported wrong",
        "reported_right": "reported right",
    },
    low_provider_balance=(
        "⚠️ The OmoCaptcha balance is {balance}, below {threshold}. Top it up, or paid solves will start failing."
    ),
    commands={
        "help": "What this bot does",
        "solve": "Solve the photo you reply to",
        "balance": "Your tokens",
        "usage": "Your solves",
        "grant": "Give or take tokens (admin)",
        "users": "Members and balances (admin)",
        "stats": "Team statistics (admin)",
        "ledger": "A member's ledger (admin)",
    },
    report_right="✅ It worked",
    report_wrong="❌ Wrong",
    report_marks={"right": "✅ Worked", "wrong": "❌ Wrong"},
    report_said={
        "recorded": "{mark}: thanks for the report.",
        "unchanged": "Already reported: {mark}.",
        "repeated": "Already reported: {mark}.",
        "reopened": "Choose again: ✅ or ❌.",
        "not_yours": "Only the member who sent the photo (or an admin) can report on this answer.",
        "too_late": "Too late: an answer can be reported for {minutes} minutes after it is given.",
        "not_reportable": "This answer can't be reported.",
    },
    report_refunded="{tokens} token(s) refunded; balance {balance}.",
    report_taken_back="The refund of {tokens} token(s) was taken back; balance {balance}.",
    report_capped="No refund: at most {limit} refunds a day.",
    report_refunded_before="No refund: this answer was refunded once already.",
    accuracy_title="🎯 Reported accuracy (✅/❌ under answers)",
    accuracy_line=(
        "{backend} · {period}: {answers} answer(s), {reported} reported — {right} ✅, {wrong} ❌; "
        "{share} right (n={reported})"
    ),
    backends={"local": "Local", "omocaptcha": "OmoCaptcha"},
)

VI = Texts(
    help=(
        "👋 Mình giải captcha kéo-thả (slide puzzle) của Bytrade.\n\n"
        "Gửi ảnh chụp màn hình câu đố, dạng ảnh hoặc dạng tệp, mình sẽ trả lời số pixel cần kéo thanh trượt.\n\n"
        "Trong nhóm: tắt chế độ riêng tư (privacy mode) cho bot trong @BotFather (Bot Settings → Group Privacy), "
        "hoặc gửi ảnh kèm chú thích /solve, hoặc trả lời /solve vào một ảnh.\n\n"
        "Mỗi lần giải tốn {price} token. Số dư của bạn: {balance} token.\n"
        "Lệnh: /balance, /usage, /help"
    ),
    something_went_wrong="⚠️ Xin lỗi, đã có lỗi từ phía bot. Vui lòng thử lại sau ít phút.",
    dm_hint="Gửi ảnh chụp màn hình câu đố (dạng ảnh hoặc tệp) để mình giải nhé. /help",
    solving="⏳ Đang giải…",
    answer="➡️ {offset} px",
    unit_at_width="(theo chiều rộng hiển thị {width} px của câu đố; {share} chiều rộng)",
    unit_picture_share="(điểm ảnh trong ảnh của bạn; {share} chiều rộng câu đố)",
    unit_picture="(điểm ảnh trong ảnh của bạn)",
    photo_hint=(
        "Telegram đã thu nhỏ ảnh này: hãy gửi ảnh chụp màn hình dưới dạng tệp để có đúng số điểm ảnh của màn hình."
    ),
    balance_line="Số dư: {balance} token.",
    decimal_separator=",",
    answer_backend_local="(giải tại chỗ, miễn phí)",
    ask_admin="Hãy xin thêm token từ quản trị viên.",
    ask_admin_named="Hãy xin thêm token từ {admins}.",
    ask_access="Hãy nhờ quản trị viên của bot cho phép bạn dùng.",
    ask_access_named="Hãy nhờ {admins} cho phép bạn dùng.",
    refunded="Đã hoàn lại {tokens} token; số dư: {balance}.",
    no_charge="Bạn không bị trừ token.",
    problems={
        ErrorCode.SOLVER_ERROR: "⚠️ Dịch vụ giải gặp lỗi với câu đố này.",
        ErrorCode.UNSOLVABLE: "❌ Dịch vụ giải không giải được câu đố này. Hãy thử ảnh rõ hơn hoặc ảnh mới.",
        ErrorCode.TIMEOUT: "⌛ Dịch vụ giải phản hồi quá lâu.",
        ErrorCode.UNAVAILABLE: "📡 Hiện không kết nối được dịch vụ giải. Hãy thử lại sau vài phút.",
        ErrorCode.INVALID_KEY: "🔑 Dịch vụ giải từ chối API key. Quản trị viên cần sửa cấu hình.",
        ErrorCode.OUT_OF_FUNDS: "💳 Tài khoản dịch vụ giải đã hết tiền. Quản trị viên cần nạp thêm.",
        ErrorCode.IMAGE_REJECTED: "🖼 Dịch vụ giải từ chối ảnh này. Hãy gửi ảnh chụp màn hình câu đố.",
        ErrorCode.PROTOCOL: "⚠️ Dịch vụ giải trả về câu trả lời không đọc được.",
        ErrorCode.NO_PUZZLE: (
            "🔍 Không nhận ra rõ mảnh ghép và chỗ trống trong ảnh này để trả lời. "
            "Hãy gửi ảnh chụp câu đố rõ hơn, hoặc gửi ảnh dưới dạng tệp."
        ),
        ErrorCode.INTERNAL: "⚠️ Đã có lỗi từ phía bot khi giải.",
        ErrorCode.MAYBE_SUBMITTED: (
            "🔄 Bot đã khởi động lại đúng lúc đang gửi câu đố này đi giải: có thể câu đố đã tới dịch vụ giải, "
            "nhưng kết quả đã bị mất. Vui lòng gửi lại ảnh."
        ),
        ErrorCode.CHAT_GONE: "📭 Bot không nhắn được vào cuộc trò chuyện này nên không giải câu đố.",
        ErrorCode.NOT_ENOUGH_TOKENS: (
            "💸 Không đủ token: mỗi lần giải tốn {price}, số dư của bạn là {balance}. {ask_admin}"
        ),
        ErrorCode.CHAT_NOT_ALLOWED: (
            "🚫 Nhóm này không có trong danh sách được phép dùng bot. Hãy hỏi quản trị viên của bot."
        ),
        ErrorCode.NOT_A_MEMBER: "🔒 Xin lỗi, bot chỉ giải câu đố cho thành viên của nhóm. {ask_access}",
        ErrorCode.MEMBERSHIP_UNKNOWN: (
            "📡 Bot chưa kiểm tra được với Telegram rằng bạn là thành viên của nhóm. "
            "Vui lòng gửi lại ảnh sau một phút. Bạn không bị trừ token."
        ),
        ErrorCode.TOO_MANY_PHOTOS: (
            "⏱ Bạn đã gửi quá {limit} ảnh trong một phút: bot bỏ qua ảnh của bạn trong {wait} giây tới. "
            "Bạn không bị trừ token."
        ),
        ErrorCode.TOO_BIG: "📦 Tệp quá lớn ({size_mb:.1f} MB): bot chỉ tải được tệp tối đa 20 MB.",
        ErrorCode.DOWNLOAD_FAILED: "🖼 Không tải được tệp từ Telegram. Vui lòng gửi lại.",
        ErrorCode.EMPTY: "🖼 Tệp này rỗng.",
        ErrorCode.NOT_AN_IMAGE: "🖼 Tệp này không phải ảnh. Hãy gửi ảnh chụp màn hình (JPEG, PNG, WebP hoặc BMP).",
        ErrorCode.CORRUPT: "🖼 Không đọc được ảnh này: có vẻ ảnh bị hỏng hoặc không đầy đủ.",
        ErrorCode.TOO_MANY_PIXELS: "🖼 Ảnh này có kích thước quá lớn so với một ảnh chụp câu đố.",
        ErrorCode.TOO_SMALL: "🖼 Ảnh này quá nhỏ để là ảnh chụp câu đố.",
        ErrorCode.UNSUPPORTED_FORMAT: "🖼 Định dạng ảnh không được hỗ trợ. Hãy gửi JPEG, PNG, WebP hoặc BMP.",
    },
    reply_to_image="Hãy trả lời /solve vào một ảnh hoặc tệp ảnh, hoặc gửi ảnh kèm chú thích /solve.",
    already_solved="Ảnh này đã được giải rồi (không trừ thêm token):",
    balance="💰 Số dư: {balance} token.\nMỗi lần giải tốn {price} token{local}.\n{ask_admin}",
    local_price="; kết quả từ bộ giải tại chỗ tốn {price}",
    usage_title="📊 Lượt giải của bạn",
    periods={"today": "Hôm nay", "week": "7 ngày qua", "all": "Tất cả"},
    usage_line=(
        "{period}: {solves} lượt giải — {succeeded} thành công, {failed} thất bại, {refused} bị từ chối; "
        "đã tiêu {spent} token; {median}"
    ),
    median="trung vị {seconds:.1f} giây",
    not_admin="🔒 Chỉ quản trị viên của bot mới dùng được lệnh này.",
    grant_usage=(
        "Cách dùng: /grant <user_id|@username> <số lượng> [ghi chú]\n"
        "hoặc trả lời tin nhắn của thành viên: /grant <số lượng> [ghi chú]\n"
        "Số âm để trừ token."
    ),
    unknown_member="Mình chưa biết {who}: người đó cần nhắn cho bot trước, hoặc dùng id dạng số.",
    grant_done="✅ {who}: {amount:+d} token, số dư hiện tại {balance}.",
    grant_refused="🚫 {who} có {balance} token; trừ {removed} sẽ làm số dư âm. Không có gì thay đổi.",
    grant_notice="💰 Quản trị viên đã thay đổi số dư của bạn {amount:+d} token. Số dư: {balance}.",
    grant_not_told="(Không nhắn được cho người đó: họ chưa bắt đầu trò chuyện với bot.)",
    users_title="👥 Thành viên, gần đây nhất trước (trang {page}/{pages})",
    users_line="{name} · id {user_id} — {balance} token, {solves} lượt giải, thành công {rate}",
    users_more="Trang sau: /users {page}",
    no_members="Chưa có thành viên nào.",
    stats_title="📈 Thống kê cả nhóm",
    stats_line=(
        "{period}: {solves} lượt giải, thành công {rate}, trung vị {median}, p95 {p95}; "
        "đã tiêu {spent} token, hoàn {refunded}; tại chỗ {local} / OmoCaptcha {paid}"
    ),
    stats_saved="💡 Bộ giải tại chỗ đã tiết kiệm {saved} lượt gọi OmoCaptcha trả phí ({tokens} token cho thành viên).",
    provider_balance="🏦 Số dư OmoCaptcha: {balance}",
    provider_balance_unknown="🏦 Số dư OmoCaptcha: không lấy được ({error})",
    provider_not_configured="🏦 OmoCaptcha: chưa cấu hình (chỉ dùng bộ giải tại chỗ)",
    ledger_usage="Cách dùng: /ledger <user_id|@username>",
    ledger_title="📒 Sổ cái của {who}, mới nhất trước (số dư {balance}):",
    ledger_empty="Chưa có giao dịch nào của {who}.",
    ledger_reasons={
        "initial": "chào mừng",
        "grant": "cấp",
        "solve": "giải",
        "refund": "hoàn",
        "reported_wrong": "báo sai",
        "reported_right": "báo đúng",
    },
    low_provider_balance=(
        "⚠️ Số dư OmoCaptcha còn {balance}, dưới mức {threshold}. Hãy nạp thêm, nếu không các lượt giải trả phí sẽ lỗi."
    ),
    commands={
        "help": "Bot này làm gì",
        "solve": "Giải ảnh bạn trả lời",
        "balance": "Số token của bạn",
        "usage": "Lượt giải của bạn",
        "grant": "Cấp hoặc trừ token (quản trị)",
        "users": "Thành viên và số dư (quản trị)",
        "stats": "Thống kê cả nhóm (quản trị)",
        "ledger": "Sổ cái của thành viên (quản trị)",
    },
    report_right="✅ Kéo được",
    report_wrong="❌ Sai",
    report_marks={"right": "✅ Đúng", "wrong": "❌ Sai"},
    report_said={
        "recorded": "{mark}: cảm ơn bạn đã báo.",
        "unchanged": "Đã báo rồi: {mark}.",
        "repeated": "Đã báo rồi: {mark}.",
        "reopened": "Chọn lại: ✅ hoặc ❌.",
        "not_yours": "Chỉ người gửi ảnh (hoặc quản trị viên) mới báo được kết quả này.",
        "too_late": "Đã quá hạn: chỉ báo được trong {minutes} phút sau khi có kết quả.",
        "not_reportable": "Không báo được kết quả này.",
    },
    report_refunded="Đã hoàn {tokens} token; số dư {balance}.",
    report_taken_back="Đã thu lại {tokens} token đã hoàn; số dư {balance}.",
    report_capped="Không hoàn: mỗi ngày hoàn tối đa {limit} lần.",
    report_refunded_before="Không hoàn: kết quả này đã được hoàn một lần.",
    accuracy_title="🎯 Độ chính xác theo báo cáo (✅/❌ dưới kết quả)",
    accuracy_line=(
        "{backend} · {period}: {answers} kết quả, {reported} được báo — {right} ✅, {wrong} ❌; "
        "đúng {share} (n={reported})"
    ),
    backends={"local": "Tại chỗ", "omocaptcha": "OmoCaptcha"},
)

_BY_LANGUAGE: dict[Language, Texts] = {"vi": VI, "en": EN}


def texts(language: Language) -> Texts:
    return _BY_LANGUAGE[language]
