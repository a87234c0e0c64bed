//! Every string the user sees, Simplified Chinese first. A missing
//! translation is a compile error: each locale is an exhaustive `match`.

use std::cell::OnceCell;

use leptos::prelude::*;
use shared::codes::Code;

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
    NotSurveyed,
    Submit,
    Submitting,
    Accepted,
    BackToList,
    Loading,
    Retry,
    NetworkError,
    EmploymentStatus,
    Channel,
    WorkPlace,
    NotSet,
    Age,
    Grid,
    HouseholdsInRoster,
    SurveyedThisRound,
    Round,
    SessionExpired,
    NoSuchHousehold,
    People,
    MonthsWorked,
    MonthlyIncome,
    WillingToTrain,
    IntendedWork,
    Yes,
    No,
    VisitedThisRound,
    Missed,
    MarkVisit,
    ChooseOutcome,
    VisitRecorded,
    OtherOutcome,
    NeedsAction,
    Waiting,
    Floor,
    SearchHint,
    NothingFound,
    Saving,
    Sent,
    StorageFailed,
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
    Name,
    ResidentId,
    Relation,
    Capacity,
    JoinReason,
    IdWrongLength,
    IdBadBirthDate,
    IdInvalid,
    AddMember,
    Conflict,
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
        Msg::NotSurveyed => "未调查",
        Msg::Submit => "提交",
        Msg::Submitting => "正在提交…",
        Msg::Accepted => "已提交，服务器已接收",
        Msg::BackToList => "返回住户列表",
        Msg::Loading => "加载中…",
        Msg::Retry => "重试",
        Msg::NetworkError => "网络连接失败，请稍后重试",
        Msg::EmploymentStatus => "就业状态",
        Msg::Channel => "就业渠道",
        Msg::WorkPlace => "务工地点",
        Msg::NotSet => "未填写",
        Msg::Age => "岁",
        Msg::Grid => "网格",
        Msg::HouseholdsInRoster => "总户数",
        Msg::SurveyedThisRound => "已调查",
        Msg::Round => "季度",
        Msg::SessionExpired => "登录已过期，请重新登录",
        Msg::NoSuchHousehold => "找不到该户",
        Msg::People => "人",
        Msg::MonthsWorked => "今年务工月数",
        Msg::MonthlyIncome => "月收入（元）",
        Msg::WillingToTrain => "是否愿意参加培训",
        Msg::IntendedWork => "就业意向（想做什么工作）",
        Msg::Yes => "是",
        Msg::No => "否",
        Msg::VisitedThisRound => "已走访",
        Msg::Missed => "遗漏",
        Msg::MarkVisit => "走访",
        Msg::ChooseOutcome => "走访结果",
        Msg::VisitRecorded => "已记录走访",
        Msg::OtherOutcome => "未见面/其他…",
        Msg::NeedsAction => "需处理",
        Msg::Waiting => "待发送",
        Msg::Floor => "层",
        Msg::SearchHint => "搜索姓名、房号或身份证后几位",
        Msg::NothingFound => "没有找到符合的住户",
        Msg::Saving => "正在保存…",
        Msg::Sent => "已发送",
        Msg::StorageFailed => "手机存储失败，记录未保存。请清理手机空间后重试",
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
        Msg::Name => "姓名",
        Msg::ResidentId => "身份证号码",
        Msg::Relation => "与户主关系",
        Msg::Capacity => "劳动能力",
        Msg::JoinReason => "增员原因",
        Msg::IdWrongLength => "身份证号码应为 18 位",
        Msg::IdBadBirthDate => "身份证号码中的出生日期不存在，请核对",
        Msg::IdInvalid => "身份证号码有误，请逐位核对",
        Msg::AddMember => "＋ 增员（新生儿、婚入、迁入）",
        Msg::Conflict => "有冲突",
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
        Msg::NotSurveyed => "Not yet",
        Msg::Submit => "Submit",
        Msg::Submitting => "Submitting…",
        Msg::Accepted => "Submitted; the server has it",
        Msg::BackToList => "Back to households",
        Msg::Loading => "Loading…",
        Msg::Retry => "Retry",
        Msg::NetworkError => "No connection; please try again",
        Msg::EmploymentStatus => "Employment",
        Msg::Channel => "Channel",
        Msg::WorkPlace => "Place of work",
        Msg::NotSet => "Not set",
        Msg::Age => "yrs",
        Msg::Grid => "Grid",
        Msg::HouseholdsInRoster => "Households",
        Msg::SurveyedThisRound => "Surveyed",
        Msg::Round => "Round",
        Msg::SessionExpired => "Your session expired; please log in again",
        Msg::NoSuchHousehold => "No such household",
        Msg::People => "people",
        Msg::MonthsWorked => "Months worked this year",
        Msg::MonthlyIncome => "Monthly income (yuan)",
        Msg::WillingToTrain => "Willing to train",
        Msg::IntendedWork => "Intended work",
        Msg::Yes => "Yes",
        Msg::No => "No",
        Msg::VisitedThisRound => "Visited",
        Msg::Missed => "Missed",
        Msg::MarkVisit => "Visit",
        Msg::ChooseOutcome => "Outcome of the visit",
        Msg::VisitRecorded => "Visit recorded",
        Msg::OtherOutcome => "Not met / other…",
        Msg::NeedsAction => "Needs action",
        Msg::Waiting => "Waiting",
        Msg::Floor => "F",
        Msg::SearchHint => "Search name, room or last ID digits",
        Msg::NothingFound => "No household matches",
        Msg::Saving => "Saving…",
        Msg::Sent => "Sent",
        Msg::StorageFailed => "The phone could not store this; free some space and try again",
        Msg::MonthsUnit => "mo",
        Msg::YuanUnit => "yuan",
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
        Msg::Name => "Name",
        Msg::ResidentId => "Resident ID number",
        Msg::Relation => "Relation to the head",
        Msg::Capacity => "Labour capacity",
        Msg::JoinReason => "Why they joined",
        Msg::IdWrongLength => "A resident ID number has 18 characters",
        Msg::IdBadBirthDate => "The birth date in this ID number does not exist; please check",
        Msg::IdInvalid => "This ID number is wrong; check it digit by digit",
        Msg::AddMember => "+ Add a member (newborn, married in, moved in)",
        Msg::Conflict => "Conflict",
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

/// `msg` in the current language.
pub fn tr(msg: Msg) -> &'static str {
    match locale().get_untracked() {
        Locale::Zh => zh_cn(msg),
        Locale::En => en(msg),
    }
}

/// The label of a closed-list value in the current language.
pub fn label<T: Code>(value: T) -> &'static str {
    match locale().get_untracked() {
        Locale::Zh => value.zh(),
        Locale::En => value.en(),
    }
}

/// A server error code in the current language, for codes the app knows.
pub fn server_error(code: &str, fallback: &str) -> String {
    match code {
        "unauthenticated" => tr(Msg::SessionExpired).into(),
        "unknown_household" => tr(Msg::NoSuchHousehold).into(),
        _ => fallback.into(),
    }
}
