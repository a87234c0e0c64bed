//! Every string the user sees, Simplified Chinese first. A missing
//! translation is a compile error: each locale is an exhaustive `match`.

use std::cell::OnceCell;

use leptos::prelude::*;
use shared::codes::Code;
use shared::field_values::Shown;
use shared::validate::IssueCode;

/// The languages of the interface.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Locale {
    Zh,
    En,
}

/// A user-visible message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Msg {
    AppName,
    Username,
    Password,
    LogIn,
    LoggingIn,
    LogOut,
    Households,
    Coverage,
    Members,
    Surveyed,
    /// A household on a follow-up list, as its row in the team's list marks it.
    MarkZeroEmployment,
    MarkLowIncome,
    MarkSeeking,
    NotSurveyed,
    Submit,
    Accepted,
    BackToList,
    Loading,
    Retry,
    NetworkError,
    NotSet,
    Age,
    SessionExpired,
    AccountDisabled,
    AccountsNav,
    FieldsNav,
    KeptWaitingBefore,
    KeptWaitingAfter,
    NotSecure,
    NoSuchHousehold,
    People,
    Yes,
    No,
    VisitedThisRound,
    MarkVisit,
    ChooseOutcome,
    VisitRecorded,
    RecordHelp,
    HelpFor,
    WholeHousehold,
    SeekingTag,
    HelpKind,
    HelpEmployer,
    HelpPost,
    HelpNote,
    SaveHelp,
    HelpRecorded,
    RecordMoreHelp,
    OtherOutcome,
    NeedsAction,
    Waiting,
    Floor,
    SearchHint,
    NothingFound,
    Saving,
    Sent,
    StorageFailed,
    SaveAgain,
    StorageLow,
    GroupSkills,
    GroupIdentity,
    HouseholdInfo,
    MonthsUnit,
    YuanUnit,
    WantsWork,
    Unchanged,
    Edit,
    AllUnchanged,
    Next,
    CheckBeforeSubmit,
    BackToEdit,
    OpenOutbox,
    SavedOnPhone,
    LogOutWaitingBefore,
    LogOutWaitingAfter,
    OtherLanguage,
    LastSync,
    NeverSynced,
    Online,
    Offline,
    WaitingCount,
    Outbox,
    StoragePersistent,
    StorageMayBeCleared,
    SyncNow,
    NothingWaiting,
    OthersWaiting,
    LastResort,
    SaveToFile,
    ImportFile,
    NotAnOutboxFile,
    ImportedCount,
    DiscardQuestion,
    DiscardWarning,
    SavedAt,
    SendAgain,
    Discard,
    NameRequired,
    JoinReasonRequired,
    Joining,
    Leaving,
    Undo,
    LeaveReason,
    Cancel,
    Leave,
    NewMember,
    BornOn,
    JoinReason,
    AddMember,
    Conflict,
    Indicators,
    Returned,
    ReturnedBy,
    CorrectAndResubmit,
    Correcting,
    Review,
    Map,
    ThisPhone,
    ClearPhone,
    ClearPhoneHint,
    ClearQuestion,
    CopiedInstead,
    PasteHere,
}

fn zh_cn(msg: Msg) -> &'static str {
    match msg {
        Msg::AppName => "安居·劳动力调查",
        Msg::Username => "用户名",
        Msg::Password => "密码",
        Msg::LogIn => "登录",
        Msg::LoggingIn => "正在登录…",
        Msg::LogOut => "退出",
        Msg::Households => "住户",
        Msg::Coverage => "调查进度",
        Msg::Members => "家庭成员",
        Msg::Surveyed => "已调查",
        Msg::MarkZeroEmployment => "零就业",
        Msg::MarkLowIncome => "低收入",
        Msg::MarkSeeking => "求职",
        Msg::NotSurveyed => "未调查",
        Msg::Submit => "提交",
        Msg::Accepted => "已提交，服务器已接收",
        Msg::BackToList => "返回住户列表",
        Msg::Loading => "加载中…",
        Msg::Retry => "重试",
        Msg::NetworkError => "网络连接失败，请稍后重试",
        Msg::NotSet => "未填写",
        Msg::Age => "岁",
        Msg::SessionExpired => "登录已过期，请重新登录",
        Msg::AccountDisabled => "此账号已停用，请联系管理员",
        Msg::AccountsNav => "账号",
        Msg::FieldsNav => "调查内容",
        Msg::KeptWaitingBefore => "本机还有 ",
        Msg::KeptWaitingAfter => " 条记录等待发送，已保存在本机，重新登录后自动发送。",
        Msg::NotSecure => {
            "此网址不是 HTTPS 安全连接：手机无法离线工作，走访也记录不了位置。请向县里的系统管理员索取以 https:// 开头的网址。"
        }
        Msg::NoSuchHousehold => "找不到该户",
        Msg::People => "人",
        Msg::Yes => "是",
        Msg::No => "否",
        Msg::VisitedThisRound => "已走访",
        Msg::MarkVisit => "走访",
        Msg::ChooseOutcome => "走访结果",
        Msg::VisitRecorded => "已记录走访",
        Msg::RecordHelp => "记录帮扶措施",
        Msg::HelpFor => "帮扶对象",
        Msg::WholeHousehold => "全户",
        Msg::SeekingTag => "（求职）",
        Msg::HelpKind => "帮扶措施",
        Msg::HelpEmployer => "用工单位",
        Msg::HelpPost => "岗位",
        Msg::HelpNote => "备注",
        Msg::SaveHelp => "保存帮扶记录",
        Msg::HelpRecorded => "已记录帮扶",
        Msg::RecordMoreHelp => "再记录一条",
        Msg::OtherOutcome => "未见面/其他…",
        Msg::NeedsAction => "需处理",
        Msg::Waiting => "待发送",
        Msg::Floor => "层",
        Msg::SearchHint => "搜索姓名、房号或身份证后几位",
        Msg::NothingFound => "没有找到符合的住户",
        Msg::Saving => "正在保存…",
        Msg::Sent => "已发送",
        Msg::StorageFailed => "手机存储失败，记录未保存。请清理手机空间后重试",
        Msg::SaveAgain => "重新保存",
        Msg::StorageLow => {
            "手机存储空间快满了，调查可能无法保存。请先清理空间（如删除不用的照片、视频或聊天记录）"
        }
        Msg::GroupSkills => "培训与技能",
        Msg::GroupIdentity => "身份与联系方式",
        Msg::HouseholdInfo => "户信息",
        Msg::MonthsUnit => "个月",
        Msg::YuanUnit => "元",
        Msg::WantsWork => "意向：",
        Msg::Unchanged => "无变化",
        Msg::Edit => "修改",
        Msg::AllUnchanged => "全户无变化",
        Msg::Next => "下一步：核对",
        Msg::CheckBeforeSubmit => "提交前核对",
        Msg::BackToEdit => "返回修改",
        Msg::OpenOutbox => "查看待发送",
        Msg::SavedOnPhone => "已保存在手机上，有网络时自动发送",
        Msg::LogOutWaitingBefore => "本机还有 ",
        Msg::LogOutWaitingAfter => " 条记录未发送。退出后它们仍保存在本机，您下次登录后自动发送：",
        Msg::OtherLanguage => "English",
        Msg::LastSync => "上次同步 ",
        Msg::NeverSynced => "尚未同步",
        Msg::Online => "在线",
        Msg::Offline => "离线",
        Msg::WaitingCount => "待发送 ",
        Msg::Outbox => "待发送记录",
        Msg::StoragePersistent => "浏览器已同意长期保存本机数据",
        Msg::StorageMayBeCleared => "注意：浏览器清理空间时可能删除本机数据，请及时同步",
        Msg::SyncNow => "立即同步",
        Msg::NothingWaiting => "没有待发送的记录",
        Msg::OthersWaiting => "另有其他用户的待发送记录（其登录后发送）：",
        Msg::LastResort => "备份",
        Msg::SaveToFile => "把待发送记录保存为文件",
        Msg::ImportFile => "从文件导入记录",
        Msg::NotAnOutboxFile => "这不是安居导出的记录文件",
        Msg::ImportedCount => "已导入记录：",
        Msg::DiscardQuestion => "确定放弃这条未发送的记录吗？",
        Msg::DiscardWarning => "放弃后无法恢复，这户需要重新调查。",
        Msg::SavedAt => "保存于 ",
        Msg::SendAgain => "重新发送",
        Msg::Discard => "放弃",
        Msg::NameRequired => "请填写姓名",
        Msg::JoinReasonRequired => "请选择增员原因",
        Msg::Joining => "增员",
        Msg::Leaving => "减员",
        Msg::Undo => "撤销",
        Msg::LeaveReason => "减员原因",
        Msg::Cancel => "取消",
        Msg::Leave => "减员",
        Msg::NewMember => "新成员",
        Msg::BornOn => "出生",
        Msg::JoinReason => "增员原因",
        Msg::AddMember => "＋ 增员（新生儿、婚入、迁入）",
        Msg::Conflict => "有冲突",
        Msg::Indicators => "就业指标",
        Msg::Returned => "已退回",
        Msg::ReturnedBy => "督导退回 · ",
        Msg::CorrectAndResubmit => "请按退回原因核对修改，再提交一次",
        Msg::Correcting => "督导更正",
        Msg::Review => "审核",
        Msg::Map => "地图",
        Msg::ThisPhone => "本机数据",
        Msg::ClearPhone => "清除本机数据并退出",
        Msg::ClearPhoneHint => {
            "交还或借出手机前使用：删除本机保存的住户名单和走访位置，并退出登录。待发送的记录不会删除。"
        }
        Msg::ClearQuestion => "删除本机保存的住户名单和走访位置，并退出登录？",
        Msg::CopiedInstead => {
            "微信内不能下载文件，记录已复制为文本：请粘贴发送到“文件传输助手”保存。需要时复制回来，粘贴到下面的框里即可导入。"
        }
        Msg::PasteHere => "或把复制的记录文本粘贴在这里导入",
    }
}

fn en(msg: Msg) -> &'static str {
    match msg {
        Msg::AppName => "Anju labour survey",
        Msg::Username => "Username",
        Msg::Password => "Password",
        Msg::LogIn => "Log in",
        Msg::LoggingIn => "Logging in…",
        Msg::LogOut => "Log out",
        Msg::Households => "Households",
        Msg::Coverage => "Coverage",
        Msg::Members => "Members",
        Msg::Surveyed => "Surveyed",
        Msg::MarkZeroEmployment => "Zero employment",
        Msg::MarkLowIncome => "Low income",
        Msg::MarkSeeking => "Seeking work",
        Msg::NotSurveyed => "Not yet",
        Msg::Submit => "Submit",
        Msg::Accepted => "Submitted; the server has it",
        Msg::BackToList => "Back to households",
        Msg::Loading => "Loading…",
        Msg::Retry => "Retry",
        Msg::NetworkError => "No connection; please try again",
        Msg::NotSet => "Not set",
        Msg::Age => " yrs",
        Msg::SessionExpired => "Your session expired; please log in again",
        Msg::AccountDisabled => "This account is disabled; ask your administrator",
        Msg::AccountsNav => "Accounts",
        Msg::FieldsNav => "Survey fields",
        Msg::KeptWaitingBefore => "This phone has ",
        Msg::KeptWaitingAfter => {
            " records waiting to be sent; they are kept here and sent after you log in again."
        }
        Msg::NotSecure => {
            "This address is not a secure HTTPS one: the phone cannot work offline or record where visits were made. Ask the county's administrator for the address that starts with https://."
        }
        Msg::NoSuchHousehold => "No such household",
        Msg::People => " people",
        Msg::Yes => "Yes",
        Msg::No => "No",
        Msg::VisitedThisRound => "Visited",
        Msg::MarkVisit => "Visit",
        Msg::ChooseOutcome => "Outcome of the visit",
        Msg::VisitRecorded => "Visit recorded",
        Msg::RecordHelp => "Record help given",
        Msg::HelpFor => "Who was helped",
        Msg::WholeHousehold => "The household",
        Msg::SeekingTag => " (seeking work)",
        Msg::HelpKind => "What was done",
        Msg::HelpEmployer => "Employer",
        Msg::HelpPost => "Post",
        Msg::HelpNote => "Note",
        Msg::SaveHelp => "Save",
        Msg::HelpRecorded => "Help recorded",
        Msg::RecordMoreHelp => "Record another",
        Msg::OtherOutcome => "Not met / other…",
        Msg::NeedsAction => "Needs action",
        Msg::Waiting => "Waiting",
        Msg::Floor => "F",
        Msg::SearchHint => "Search name, room or last ID digits",
        Msg::NothingFound => "No household matches",
        Msg::Saving => "Saving…",
        Msg::Sent => "Sent",
        Msg::StorageFailed => "The phone could not store this; free some space and try again",
        Msg::SaveAgain => "Save again",
        Msg::StorageLow => {
            "The phone is almost out of storage and may not save this survey; free some space first"
        }
        Msg::GroupSkills => "Training and skills",
        Msg::GroupIdentity => "Identity and contact",
        Msg::HouseholdInfo => "Household",
        Msg::MonthsUnit => " mo",
        Msg::YuanUnit => " yuan",
        Msg::WantsWork => "Wants: ",
        Msg::Unchanged => "Unchanged",
        Msg::Edit => "Edit",
        Msg::AllUnchanged => "Whole household unchanged",
        Msg::Next => "Next: check",
        Msg::CheckBeforeSubmit => "Check before submitting",
        Msg::BackToEdit => "Back to edit",
        Msg::OpenOutbox => "Open the outbox",
        Msg::SavedOnPhone => "Saved on the phone; it is sent when there is a connection",
        Msg::LogOutWaitingBefore => "This phone still has ",
        Msg::LogOutWaitingAfter => {
            "captures not yet sent. They stay on this phone and are sent at your next login:"
        }
        Msg::OtherLanguage => "中文",
        Msg::LastSync => "Last sync ",
        Msg::NeverSynced => "Not synced yet",
        Msg::Online => "Online",
        Msg::Offline => "Offline",
        Msg::WaitingCount => "Waiting ",
        Msg::Outbox => "Outbox",
        Msg::StoragePersistent => "The browser keeps this app's data",
        Msg::StorageMayBeCleared => {
            "The browser may clear this app's data when space runs low; sync soon"
        }
        Msg::SyncNow => "Sync now",
        Msg::NothingWaiting => "Nothing waiting",
        Msg::OthersWaiting => "Captures of other users, sent when they log in: ",
        Msg::LastResort => "Backup",
        Msg::SaveToFile => "Save waiting captures to a file",
        Msg::ImportFile => "Import captures from a file",
        Msg::NotAnOutboxFile => "This is not an Anju outbox file",
        Msg::ImportedCount => "Captures imported: ",
        Msg::DiscardQuestion => "Throw away this unsent capture?",
        Msg::DiscardWarning => "It cannot be recovered; the household must be surveyed again.",
        Msg::SavedAt => "Saved ",
        Msg::SendAgain => "Send again",
        Msg::Discard => "Throw away",
        Msg::NameRequired => "Enter the name",
        Msg::JoinReasonRequired => "Choose why they joined",
        Msg::Joining => "Joins",
        Msg::Leaving => "Leaves",
        Msg::Undo => "Undo",
        Msg::LeaveReason => "Why they left",
        Msg::Cancel => "Cancel",
        Msg::Leave => "Left",
        Msg::NewMember => "New member",
        Msg::BornOn => "Born",
        Msg::JoinReason => "Why they joined",
        Msg::AddMember => "+ Add a member (newborn, married in, moved in)",
        Msg::Conflict => "Conflict",
        Msg::Indicators => "Indicators",
        Msg::Returned => "Returned",
        Msg::ReturnedBy => "Returned by ",
        Msg::CorrectAndResubmit => "Correct it as the reason says and submit again",
        Msg::Correcting => "Correction",
        Msg::Review => "Review",
        Msg::Map => "Map",
        Msg::ThisPhone => "This phone",
        Msg::ClearPhone => "Clear this phone and log out",
        Msg::ClearPhoneHint => {
            "Before handing the phone on: removes the household lists and visit positions kept here and logs out. Captures waiting to be sent are kept."
        }
        Msg::ClearQuestion => {
            "Remove the household lists and visit positions kept on this phone, and log out?"
        }
        Msg::CopiedInstead => {
            "WeChat cannot download files, so the captures were copied as text: paste them into a chat (File Transfer) to keep them. To import, copy them back and paste them into the box below."
        }
        Msg::PasteHere => "Or paste copied captures here to import them",
    }
}

thread_local! {
    // Reference-counted rather than arena-owned: it must outlive whichever
    // component happens to read it first.
    static LOCALE: OnceCell<ArcRwSignal<Locale>> = const { OnceCell::new() };
}

/// Where the chosen language is kept between visits.
const LOCALE_KEY: &str = "anju.locale";

/// The interface language, as a signal so that views follow a switch.
/// Chinese unless the user chose English on this phone.
pub fn locale() -> ArcRwSignal<Locale> {
    LOCALE.with(|cell| {
        cell.get_or_init(|| {
            let kept = web_sys::window()
                .and_then(|w| w.local_storage().ok().flatten())
                .and_then(|s| s.get_item(LOCALE_KEY).ok().flatten());
            let locale = match kept.as_deref() {
                Some("en") => Locale::En,
                _ => Locale::Zh,
            };
            ArcRwSignal::new(locale)
        })
        .clone()
    })
}

/// Switches the language and remembers the choice.
pub fn choose(next: Locale) {
    if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let code = match next {
            Locale::Zh => "zh",
            Locale::En => "en",
        };
        let _ = storage.set_item(LOCALE_KEY, code);
    }
    locale().set(next);
}

/// A message in both languages.
pub trait Message: Copy {
    fn zh(self) -> &'static str;
    fn en(self) -> &'static str;
}

impl Message for Msg {
    fn zh(self) -> &'static str {
        zh_cn(self)
    }

    fn en(self) -> &'static str {
        en(self)
    }
}

/// `msg` in the current language.
pub fn tr(msg: impl Message) -> &'static str {
    both(msg.zh(), msg.en())
}

/// Of a text given in both languages, the current one's.
pub fn both<'a>(zh: &'a str, en: &'a str) -> &'a str {
    match locale().get_untracked() {
        Locale::Zh => zh,
        Locale::En => en,
    }
}

/// One written value as text in the current language; a cleared field
/// shows as not set.
pub fn value_text(shown: Shown) -> String {
    match shown {
        Shown::Unset => tr(Msg::NotSet).to_owned(),
        Shown::Text(text) => text,
        Shown::Label { zh, en, .. } => both(zh, en).to_owned(),
        Shown::Choice { zh, en, .. } => match locale().get_untracked() {
            Locale::Zh => zh,
            Locale::En => en,
        },
        Shown::Number { value, unit } => format!("{value}{unit}"),
        Shown::Date(date) => date.to_string(),
        Shown::Months(n) => format!("{n}{}", tr(Msg::MonthsUnit)),
        Shown::Yuan(n) => format!("{n}{}", tr(Msg::YuanUnit)),
        Shown::YesNo(flag) => tr(if flag { Msg::Yes } else { Msg::No }).to_owned(),
    }
}

/// The label of a closed-list value in the current language.
pub fn label<T: Code>(value: T) -> &'static str {
    both(value.zh(), value.en())
}

/// A broken rule's message in the current language.
pub fn issue(code: IssueCode) -> &'static str {
    match locale().get_untracked() {
        Locale::Zh => code.zh(),
        Locale::En => code.en(),
    }
}

/// A server error code in the current language, for codes the app knows.
pub fn server_error(code: &str, fallback: &str) -> String {
    match code {
        "unauthenticated" => tr(Msg::SessionExpired).into(),
        "account_disabled" => tr(Msg::AccountDisabled).into(),
        "unknown_household" => tr(Msg::NoSuchHousehold).into(),
        _ => fallback.into(),
    }
}
